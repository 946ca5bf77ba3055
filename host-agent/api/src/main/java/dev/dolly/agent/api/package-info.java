/**
 * The host agent's wire contract: versioned ({@code /v1}) JSON request and response records,
 * stable error codes, and request signing. Both the agent and the control plane depend on
 * this artifact and on nothing else of each other.
 */
package dev.dolly.agent.api;
