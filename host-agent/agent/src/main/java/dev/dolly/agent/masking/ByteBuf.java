package dev.dolly.agent.masking;

import java.util.Arrays;

/** A growable byte buffer reused across rows, so the copy loop allocates nothing per row. */
public final class ByteBuf {

    private byte[] buf;
    private int size;

    public ByteBuf(int capacity) {
        this.buf = new byte[Math.max(16, capacity)];
    }

    public void write(int b) {
        if (size == buf.length) {
            grow(size + 1);
        }
        buf[size++] = (byte) b;
    }

    public void write(byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        if (size + len > buf.length) {
            grow(size + len);
        }
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    private void grow(int min) {
        buf = Arrays.copyOf(buf, Math.max(min, buf.length * 2));
    }

    public byte[] array() {
        return buf;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
