package dev.dolly.agent.masking;

/**
 * A {@link Transformer} with a fast path that masks a field straight from its COPY bytes into the
 * output, without building Strings. It must give byte for byte what {@link #apply} gives (the
 * same value can reach either path: from a column, or from inside a JSON value), and may decline
 * (return false) for fields it does not handle, e.g. ones with escapes.
 */
public interface ByteTransformer extends Transformer {

    /**
     * @param b     the row
     * @param start first byte of the field (COPY text form, not the NULL marker)
     * @param end   end of the field
     * @param out   where the masked field goes, in COPY text form
     * @return true if the field was masked into {@code out}; false to use {@link #apply}
     */
    boolean applyBytes(byte[] b, int start, int end, ByteBuf out);
}
