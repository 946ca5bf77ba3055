package dev.dolly.agent.masking;

import java.util.Map;
import java.util.TreeMap;

/**
 * Masks rows in COPY text format, one at a time, byte to byte. Fields before, between and after
 * the masked columns are copied as raw bytes (never decoded, so their escaping round-trips
 * exactly); only fields of columns with a transformer are decoded, transformed and re-encoded.
 * Not thread-safe: one instance per worker and table (it counts values as it goes).
 */
public final class RowMasker {

    private final int[] columns;          // ascending field indexes with a transformer
    private final Transformer[] transformers;
    private final long[] masked;          // values changed per masked column
    private final int last;

    /** @param byColumn field index (0-based, in COPY column order) → transformer */
    public RowMasker(Map<Integer, Transformer> byColumn) {
        TreeMap<Integer, Transformer> sorted = new TreeMap<>(byColumn);
        this.columns = new int[sorted.size()];
        this.transformers = new Transformer[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, Transformer> e : sorted.entrySet()) {
            columns[i] = e.getKey();
            transformers[i] = e.getValue();
            i++;
        }
        this.masked = new long[columns.length];
        this.last = columns.length == 0 ? -1 : columns[columns.length - 1];
    }

    /**
     * Append the masked form of {@code row[0, len)} (one row, with or without its trailing
     * newline; the newline is kept if present) to {@code out}.
     */
    public void mask(byte[] row, int len, ByteBuf out) {
        if (last < 0) {
            out.write(row, 0, len);
            return;
        }
        int lineEnd = len > 0 && row[len - 1] == CopyText.NEWLINE ? len - 1 : len;
        int start = 0;
        int copyFrom = 0;
        int m = 0;
        for (int col = 0; col <= last; col++) {
            if (start > lineEnd) {
                throw new IllegalStateException("row has " + col + " fields, expected more than " + last);
            }
            int end = CopyText.fieldEnd(row, start, lineEnd);
            if (col == columns[m]) {
                out.write(row, copyFrom, start - copyFrom);
                Transformer t = transformers[m];
                String result;
                boolean wasNull = CopyText.isNull(row, start, end);
                if (wasNull) {
                    result = t.applyNull();
                } else {
                    if (t instanceof ByteTransformer bt && bt.applyBytes(row, start, end, out)) {
                        masked[m]++;
                        copyFrom = end;
                        m++;
                        start = end + 1;
                        continue;
                    }
                    try {
                        result = t.apply(CopyText.decode(row, start, end));
                    } catch (RuntimeException e) {
                        throw new MaskingFailure(col, e);
                    }
                    masked[m]++;
                }
                if (result == null) {
                    CopyText.writeNull(out);
                } else {
                    if (wasNull) {
                        masked[m]++;
                    }
                    CopyText.encode(result, out);
                }
                copyFrom = end;
                m++;
            }
            start = end + 1;
        }
        out.write(row, copyFrom, len - copyFrom);
    }

    /**
     * A transformer could not handle a value. The message never contains the value (it may be
     * personal data); it names the field index and the kind of failure.
     */
    public static final class MaskingFailure extends RuntimeException {
        private final int field;

        MaskingFailure(int field, RuntimeException cause) {
            super("cannot mask a value of this column (" + cause.getClass().getSimpleName() + "; the value is not shown)");
            this.field = field;
        }

        public int field() {
            return field;
        }
    }

    /** Field indexes this masker changes, ascending. */
    public int[] columns() {
        return columns.clone();
    }

    /** Values masked so far in the i-th masked column (same order as {@link #columns()}). */
    public long maskedCount(int i) {
        return masked[i];
    }
}
