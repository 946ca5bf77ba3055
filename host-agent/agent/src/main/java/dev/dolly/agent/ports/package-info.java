/**
 * The configured pool of host ports for clone containers.
 */
package dev.dolly.agent.ports;
