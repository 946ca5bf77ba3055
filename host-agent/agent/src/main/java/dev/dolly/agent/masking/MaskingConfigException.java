package dev.dolly.agent.masking;

/** A masking rule that cannot be applied as written; the message names the YAML path and the fix. */
public class MaskingConfigException extends IllegalArgumentException {
    public MaskingConfigException(String message) {
        super(message);
    }
}
