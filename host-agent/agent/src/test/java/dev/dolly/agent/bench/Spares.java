package dev.dolly.agent.bench;

import dev.dolly.agent.Agent;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.clone.spares.Spare;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The warm-spare rows of {@code ./dolly bench clones}: waiting for a full pool, a burst of concurrent creates, the spares' cost. */
final class Spares {
    /** What {@code addBytes} of the benchmark takes. */
    interface BytesRow {
        void add(String metric, long size, int n, double value, List<Double> perSpare);
    }

    private final Agent agent;
    private final AgentClient api;

    Spares(Agent agent, AgentClient api) {
        this.agent = agent;
        this.api = api;
    }

    /** Waits (at most two minutes) until the template has all its spares ready. */
    void awaitFull(String template) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        int target = agent.clones().spares().target(template);
        while (agent.clones().spares().available(template) < target && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Waits (up to 2 min) until clone {@code id}'s standby is ready for a reset by twin ({@code dev.dolly.agent.clone.Twins}). */
    void awaitStandby(String id) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!agent.clones().twins().ready(agent.clones().find(id).orElseThrow()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Seconds from request to a working connection of {@code n} creates sent at once (the spares run out); all destroyed after. */
    List<Double> burst(String template, int n) throws Exception {
        awaitFull(template);
        List<Double> out = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<String> ids = new ArrayList<>();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "burst" + i + "-" + template.replace("bench", "");
                ids.add(id);
                fs.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    CloneCredentials c = api.create(new CreateCloneRequest(id, template, null, "bench", null, false));
                    Properties p = new Properties();
                    p.setProperty("user", c.cloneView().user());
                    p.setProperty("password", c.password());
                    p.setProperty("sslmode", "disable");
                    try (Connection conn = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.cloneView().port() + "/"
                            + c.cloneView().database(), p)) {
                        out.add((System.nanoTime() - t0) / 1e9);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
            for (String id : ids) {
                try {
                    api.destroy(id);
                } catch (RuntimeException e) {
                    System.out.println("bench: destroy " + id + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** {@code spare_rss_bytes} and {@code spare_disk_bytes} of the template's ready spares. */
    void cost(String template, long size, BytesRow row) throws InterruptedException {
        awaitFull(template);
        Thread.sleep(3000); // let them settle, as idle clones are measured
        List<Double> rss = new ArrayList<>();
        List<Double> disk = new ArrayList<>();
        for (Spare s : agent.clones().spares().spares()) {
            if (!s.template().equals(template)) {
                continue;
            }
            long m = agent.containers().memoryUsage(s.containerId());
            if (m >= 0) {
                rss.add((double) m);
            }
            agent.zfs().get(s.dataset(), List.of("used")).map(e -> e.getLong("used", 0)).ifPresent(u -> disk.add((double) u));
        }
        row.add("spare_rss_bytes", size, rss.size(), rss.stream().mapToDouble(d -> d).average().orElse(-1), rss);
        row.add("spare_disk_bytes", size, disk.size(), disk.stream().mapToDouble(d -> d).average().orElse(-1), disk);
    }
}
