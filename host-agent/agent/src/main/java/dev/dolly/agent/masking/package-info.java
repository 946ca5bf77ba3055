/**
 * The masking engine of the live-source refresh: masking rules as written in a template
 * ({@link dev.dolly.agent.masking.MaskingConfig}, {@link dev.dolly.agent.masking.Rule}), the
 * deterministic salted transformers ({@link dev.dolly.agent.masking.Transformers}, keyed by
 * {@link dev.dolly.agent.masking.Prf}), the COPY text-format codec and streaming
 * {@link dev.dolly.agent.masking.RowMasker} (unmasked fields pass through as bytes), and the PII
 * coverage gate ({@link dev.dolly.agent.masking.CoverageGate}, {@link dev.dolly.agent.masking.PiiDetector}).
 * Pure code: no I/O. See host-agent/agent/docs/masking.md.
 */
package dev.dolly.agent.masking;
