/**
 * The signed, versioned JSON API over the JDK HTTP server, and a small signed client of it.
 */
package dev.dolly.agent.http;
