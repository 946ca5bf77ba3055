/**
 * Operation latencies, failures and gauges in the Prometheus text format.
 */
package dev.dolly.agent.metrics;
