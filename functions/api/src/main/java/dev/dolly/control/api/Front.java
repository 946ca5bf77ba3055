package dev.dolly.control.api;

/** Where a command came from; recorded in the audit trail. */
public enum Front { SLACK, CI, SCHEDULE, AGENT, LOCAL, API }
