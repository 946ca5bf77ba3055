package dev.dolly.agent.clone;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Serializes operations on one clone; operations on different clones run in parallel. */
public final class CloneLocks {
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public <T> T with(String cloneId, Supplier<T> body) {
        ReentrantLock l = locks.computeIfAbsent(cloneId, k -> new ReentrantLock(true));
        l.lock();
        try {
            return body.get();
        } finally {
            l.unlock();
        }
    }

    /** Runs {@code body} only when nobody holds the clone's lock; returns false otherwise (background sampling). */
    public boolean tryWith(String cloneId, Runnable body) {
        ReentrantLock l = locks.computeIfAbsent(cloneId, k -> new ReentrantLock(true));
        if (!l.tryLock()) {
            return false;
        }
        try {
            body.run();
            return true;
        } finally {
            l.unlock();
        }
    }
}
