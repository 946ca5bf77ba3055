package dev.dolly.agent.docker;

import java.util.Map;

/** A container found by its labels: id, name (without the leading slash), labels, whether it runs. */
public record ContainerInfo(String id, String name, Map<String, String> labels, boolean running, String status) {}
