package dev.dolly.infra;

/**
 * The host agent's series as they reach CloudWatch: the host's CloudWatch agent scrapes the agent's GET /metrics
 * (host/prometheus.yaml) and publishes the series host/cloudwatch-agent.json selects, as embedded-metric-format
 * metrics in {@value #NAMESPACE} with the Prometheus labels its declarations name as dimensions (every series
 * carries {@value #HOST}, the scrape's static label). The one list of those names the dashboard and the alarms use;
 * a test checks each is selected with the dimensions used here, and that the config selects only series the agent
 * exports. Counters arrive as the increase since the previous scrape; the CloudWatch agent drops Prometheus
 * histograms, so clone-operation and refresh latencies stay in Prometheus (ops/) and the control plane's own
 * command latency stands in for them here.
 */
final class HostMetrics {
    static final String NAMESPACE = "Dolly/Host";
    /** Dimension on every series: the host id (the scrape's static label). */
    static final String HOST = "host";
    static final String TEMPLATE = "template";
    static final String STATE = "state";

    // dimensions [host]
    static final String POOL_SIZE = "dolly_pool_size_bytes";
    static final String POOL_USED = "dolly_pool_used_bytes";
    static final String POOL_FREE = "dolly_pool_free_bytes";
    static final String POOL_RESERVE = "dolly_pool_reserve_bytes";
    static final String PORTS_IN_USE = "dolly_ports_in_use";
    static final String PORTS_CONFIGURED = "dolly_ports_configured";
    static final String REFRESH_JOBS_RUNNING = "dolly_refresh_jobs_running";
    /** A counter: [host] and [host, operation, reason]. */
    static final String QUOTA_REFUSALS = "dolly_quota_refusals_total";
    /** A counter: [host] and [host, reason]. */
    static final String SIGNATURE_FAILURES = "dolly_signature_failures_total";
    // dimensions [host, component]: 1 while GET /v1/health names the component degraded
    static final String HEALTH_DEGRADED = "dolly_health_degraded";
    static final String COMPONENT = "component";
    /** The host-wide components the agent's health always reports (refresh:&lt;template&gt; besides). */
    static final java.util.List<String> HOST_COMPONENTS = java.util.List.of("pool", "zfs", "docker");
    // dimensions [host, template, state]
    static final String CLONES = "dolly_clones";
    // dimensions [host, template]
    static final String SPARES_READY = "dolly_spares_ready";
    static final String SPARES_TARGET = "dolly_spares_target";
    static final String SNAPSHOT_AGE = "dolly_template_snapshot_age_seconds";
    static final String LAST_REFRESH_SUCCESS_AGE = "dolly_template_last_refresh_success_age_seconds";
    static final String CLONE_USED = "dolly_clone_used_bytes";

    /** The resources the host bootstrap installs for the CloudWatch agent (with its {@code @@NAME@@} values). */
    static final String AGENT_CONFIG = "host/cloudwatch-agent.json";
    static final String SCRAPE_CONFIG = "host/prometheus.yaml";
    /** Where bootstrap.sh takes them in. */
    static final String AGENT_CONFIG_MARKER = "#>>> host/cloudwatch-agent.json <<<#";
    static final String SCRAPE_CONFIG_MARKER = "#>>> host/prometheus.yaml <<<#";

    private HostMetrics() {}
}
