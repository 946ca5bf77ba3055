package dev.dolly.agent.ports;

import dev.dolly.agent.AgentException;
import dev.dolly.agent.api.ErrorCode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.BitSet;
import java.util.function.IntPredicate;

/**
 * The configured range of host ports for clone containers. The set in use is rebuilt on start
 * from the clones' {@code dolly:port} properties; {@link #allocate} also skips ports something
 * else on the host already listens on.
 */
public final class PortPool {
    private final int from;
    private final int to;
    private final BitSet used = new BitSet();
    private final IntPredicate hostFree;

    public PortPool(int from, int to, IntPredicate hostFree) {
        if (from > to) {
            throw new IllegalArgumentException("empty port range " + from + "-" + to);
        }
        this.from = from;
        this.to = to;
        this.hostFree = hostFree;
    }

    public PortPool(int from, int to) {
        this(from, to, PortPool::bindable);
    }

    /** Takes the lowest free port; throws {@link ErrorCode#PORTS_EXHAUSTED} when none is left. */
    public synchronized int allocate() {
        for (int p = from; p <= to; p++) {
            if (!used.get(p - from) && hostFree.test(p)) {
                used.set(p - from);
                return p;
            }
        }
        throw new AgentException(ErrorCode.PORTS_EXHAUSTED,
                "all " + size() + " clone ports (" + from + "-" + to + ") are in use: destroy a clone or widen agent.ports");
    }

    /** Marks a port as used (a clone found on start); false when it was already taken or is outside the range. */
    public synchronized boolean reserve(int port) {
        if (!contains(port) || used.get(port - from)) {
            return false;
        }
        used.set(port - from);
        return true;
    }

    public synchronized void release(int port) {
        if (contains(port)) {
            used.clear(port - from);
        }
    }

    public synchronized int inUse() {
        return used.cardinality();
    }

    public int size() {
        return to - from + 1;
    }

    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    /** True when nothing on this host listens on the port (a quick bind on all addresses). */
    public static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A free ephemeral port on the loopback interface (for build servers, which never serve clones). */
    public static int ephemeralLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AgentException(ErrorCode.PORTS_EXHAUSTED, "no free ephemeral port on the loopback interface", e);
        }
    }
}
