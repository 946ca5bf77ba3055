package dev.dolly.agent.bench;

import dev.dolly.agent.Agent;
import dev.dolly.agent.Layout;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.clone.spares.Spare;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The warm-spare and twin rows of {@code ./dolly bench clones}: waiting for a full pool or a clone's standby, a burst of
 * concurrent creates, what spares and twins cost.
 */
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
        Map<String, String> servers = new LinkedHashMap<>();
        for (Spare s : agent.clones().spares().spares()) {
            if (s.template().equals(template)) {
                servers.put(s.containerId(), s.dataset());
            }
        }
        costRows("spare", size, servers, row);
    }

    /**
     * What a clone's twin costs (issue 19's reset by twin): {@code count} clones of {@code template} with their standby
     * ready and settled; {@code twin_rss_bytes} of each twin container, {@code twin_disk_bytes} of each twin dataset.
     */
    void twinCost(String template, long size, int count, BytesRow row) throws Exception {
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String id = "twin" + i;
                api.create(new CreateCloneRequest(id, template, null, "bench", null, false));
                ids.add(id);
                awaitStandby(id);
            }
            Thread.sleep(3000); // let them settle, as idle clones are measured
            Map<String, String> servers = new LinkedHashMap<>();
            for (String id : ids) {
                agent.containers().lookup(agent.layout().twinContainer(id)).ifPresent(ci ->
                        servers.put(ci.id(), Layout.twinOf(agent.clones().find(id).orElseThrow().dataset())));
            }
            costRows("twin", size, servers, row);
        } finally {
            for (String id : ids) {
                try {
                    api.destroy(id);
                } catch (RuntimeException e) {
                    System.out.println("bench: destroy " + id + ": " + e.getMessage());
                }
            }
        }
    }

    /** {@code <kind>_rss_bytes} and {@code <kind>_disk_bytes}: each server's container memory and its dataset's {@code used}. */
    private void costRows(String kind, long size, Map<String, String> datasetByContainer, BytesRow row) {
        List<Double> rss = new ArrayList<>();
        List<Double> disk = new ArrayList<>();
        datasetByContainer.forEach((container, dataset) -> {
            long m = agent.containers().memoryUsage(container);
            if (m >= 0) {
                rss.add((double) m);
            }
            agent.zfs().get(dataset, List.of("used")).map(e -> e.getLong("used", 0)).ifPresent(u -> disk.add((double) u));
        });
        row.add(kind + "_rss_bytes", size, rss.size(), rss.stream().mapToDouble(d -> d).average().orElse(-1), rss);
        row.add(kind + "_disk_bytes", size, disk.size(), disk.stream().mapToDouble(d -> d).average().orElse(-1), disk);
    }
}
