package dev.dolly.control.api;

/** CREATING → READY ⇄ RESETTING → DESTROYING → gone, or FAILED. */
public enum CloneState { CREATING, READY, RESETTING, DESTROYING, FAILED, GONE }
