package dev.dolly.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.ContainerNetwork;
import dev.dolly.agent.Agent;
import dev.dolly.agent.api.CloneCredentials;
import dev.dolly.agent.api.CreateCloneRequest;
import dev.dolly.agent.docker.Docker;
import dev.dolly.agent.api.client.AgentClient;
import dev.dolly.agent.template.BuildServer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attacks by a clone owner (a PostgreSQL superuser with a shell in their container through
 * {@code COPY … FROM PROGRAM}) on a real agent, pool and engine. Each attack must fail, and after
 * each the victim clone and the agent must still serve. A listener on the host's 0.0.0.0 stands
 * for the agent on AWS. Prints {@code attacks: N tried, M succeeded} and fails on any success.
 * Needs the host isolation of {@code ./dolly setup} (network {@code dolly}, firewall rules).
 */
@Tag("integration")
class AttackSuiteTest {
    private static final Logger log = LoggerFactory.getLogger(AttackSuiteTest.class);
    private static final long QUOTA = 128L << 20;
    private static final int PIDS = 200;
    private static final int SAVEPOINTS = 3;
    private static TestRoot t;
    private static Agent agent;
    private static AgentClient api;
    private static CloneCredentials attacker;
    private static CloneCredentials victim;
    private static ServerSocket standInAgent;
    private static final AtomicInteger accepted = new AtomicInteger();
    private static final Map<String, String> successes = new LinkedHashMap<>();
    private static final List<String> tried = new ArrayList<>();
    private static final List<Double> createSeconds = new ArrayList<>();
    private static final List<Double> resetSeconds = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        t = new TestRoot();
        var seed = ItAgent.seed(t.workDir, ItAgent.SHOP_SQL);
        agent = ItAgent.start(t.config(21300, 21319, """
                shop:
                  database: shop
                  seed: [ %s ]
                  clone: { memory: 256m, quota: %d, pids: %d, savepoints: %d, cpus: 1 }
                owned:
                  database: owned
                  seed: [ %s ]
                  clone: { memory: 256m, ownerRole: owner }
                """.formatted(seed, QUOTA, PIDS, SAVEPOINTS, seed)));
        api = ItAgent.client(agent);
        ItAgent.build(api, "shop");
        ItAgent.build(api, "owned");
        attacker = create("attacker", "slack:UATTACK");
        victim = create("victim", "slack:UVICTIM");
        standInAgent = new ServerSocket();
        standInAgent.bind(new InetSocketAddress("0.0.0.0", 0));
        Thread accept = new Thread(() -> {
            while (!standInAgent.isClosed()) {
                try (Socket s = standInAgent.accept()) {
                    accepted.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
        }, "stand-in-agent");
        accept.setDaemon(true);
        accept.start();
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.printf("attacks: %d tried, %d succeeded%n", tried.size(), successes.size());
        System.out.printf("timings: create %s s, reset %s s%n", createSeconds, resetSeconds);
        log.info("attacks: {} tried, {} succeeded {}", tried.size(), successes.size(), successes);
        log.info("timings (hardened): create {} s, reset {} s", createSeconds, resetSeconds);
        if (standInAgent != null) {
            standInAgent.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (t != null) {
            t.close();
        }
    }

    private static CloneCredentials create(String id, String owner) {
        return create(id, "shop", owner);
    }

    private static CloneCredentials create(String id, String template, String owner) {
        long t0 = System.nanoTime();
        CloneCredentials c = api.create(new CreateCloneRequest(id, template, null, owner, null, false));
        createSeconds.add(Math.round((System.nanoTime() - t0) / 1e6) / 1e3);
        return c;
    }

    private static void reset(String id, String savepoint) {
        long t0 = System.nanoTime();
        api.reset(id, savepoint);
        resetSeconds.add(Math.round((System.nanoTime() - t0) / 1e6) / 1e3);
    }

    // ------------------------------------------------------------------ the attacker's tools

    /** Runs {@code cmd} in the attacker's container through {@code COPY … FROM PROGRAM}; answers its output lines. */
    private static List<String> program(Connection c, String cmd) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS out(line text)");
            st.execute("TRUNCATE out");
            st.execute("COPY out FROM PROGRAM '" + cmd.replace("'", "''") + "'");
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT line FROM out")) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            return lines;
        }
    }

    /** "OPEN" when a TCP connection to host:port succeeds from inside the attacker's container. */
    private static String probe(Connection c, String host, int port) throws SQLException {
        return String.join("", program(c, "bash -c 'timeout 3 bash -c \"exec 3<>/dev/tcp/" + host + "/" + port
                + "\" 2>/dev/null && echo OPEN || echo CLOSED'"));
    }

    private interface Attack {
        /** Answers null when the attack failed, else what it achieved. */
        String run(Connection attackerConn) throws Exception;
    }

    /** Runs one attack as the attacker, then checks that the victim and the agent still serve. */
    private static void attempt(String name, Attack a) throws Exception {
        attempt(name, attacker, a);
    }

    private static void attempt(String name, CloneCredentials as, Attack a) throws Exception {
        tried.add(name);
        String result;
        try (Connection c = ItAgent.connect(as)) {
            result = a.run(c);
        } catch (SQLException e) {
            // the attacker broke their own server (e.g. out of space at their quota): the attack got nowhere
            log.info("attack '{}' ended with the attacker's own server failing: {}", name, e.getMessage());
            result = null;
        }
        if (result != null) {
            successes.put(name, result);
        }
        log.info("attack '{}': {}", name, result == null ? "failed (good)" : "SUCCEEDED: " + result);
        try (Connection v = ItAgent.connect(victim); Statement st = v.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS still_here(x int)");
            st.execute("INSERT INTO still_here SELECT g FROM generate_series(1, 1000) g");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM customer")) {
                rs.next();
                assertThat(rs.getLong(1)).as("victim serves after " + name).isEqualTo(1000);
            }
        }
        assertThat(api.health().status()).as("agent health after " + name).isEqualTo("ok");
    }

    private static String containerIp(String containerId) {
        Map<String, ContainerNetwork> n = Docker.forHost(agent.config().dockerHost()).client().inspectContainerCmd(containerId).exec()
                .getNetworkSettings().getNetworks();
        return n.values().iterator().next().getIpAddress();
    }

    private static String gateway(String containerId) {
        Map<String, ContainerNetwork> n = Docker.forHost(agent.config().dockerHost()).client().inspectContainerCmd(containerId).exec()
                .getNetworkSettings().getNetworks();
        return n.values().iterator().next().getGateway();
    }

    /** Samples the attacker clone's {@code used} (savepoints included) every 200 ms into {@code most[0]} until interrupted. */
    private static Thread usedWatcher(long[] most) {
        Thread w = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = agent.zfs().get(agent.layout().clone("attacker"), List.of("used")).map(e -> e.getLong("used", 0)).orElse(0L);
                synchronized (most) {
                    most[0] = Math.max(most[0], used);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "used-watcher");
        w.setDaemon(true);
        w.start();
        return w;
    }

    private static String attackerContainer() {
        return agent.clones().container("attacker").orElseThrow().id();
    }

    // ------------------------------------------------------------------ the suite

    /** A statement the owner must be refused: answers null when refused, else that it ran. */
    private static String refused(Connection c, String sql) {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            return "ran: " + sql;
        } catch (SQLException e) {
            log.info("refused as it should be: {} ({} {})", sql, e.getSQLState(), e.getMessage());
            return null;
        }
    }

    @Test
    void anOwnerRoleCannotRunProgramsReadFilesOrAlterTheSystemButCanMigrate() throws Exception {
        CloneCredentials owner = create("owner-role", "owned", "slack:UOWNER");
        attempt("owner role: COPY … FROM PROGRAM", owner, c -> refused(c, "COPY (SELECT 1) TO PROGRAM 'id'"));
        attempt("owner role: read a server file", owner, c -> refused(c, "SELECT pg_read_file('/etc/passwd')"));
        attempt("owner role: COPY from a server file", owner, c -> refused(c, "CREATE TEMP TABLE f(l text); COPY f FROM '/etc/passwd'"));
        attempt("owner role: ALTER SYSTEM", owner, c -> refused(c, "ALTER SYSTEM SET log_min_messages = 'debug5'"));
        attempt("owner role: become superuser", owner, c -> refused(c, "ALTER ROLE CURRENT_USER SUPERUSER"));
        attempt("owner role: untrusted language", owner, c -> refused(c, "CREATE FUNCTION sh() RETURNS int LANGUAGE c AS '/bin/sh', 'main'"));

        // a realistic migration, with every kind of object the application's own role would touch
        for (int round = 0; round < 2; round++) {
            try (Connection c = ItAgent.connect(owner); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE customer ADD COLUMN name text");
                st.execute("CREATE INDEX customer_email ON customer(email)");
                st.execute("CREATE TABLE orders(id bigserial PRIMARY KEY, customer_id bigint REFERENCES customer(id), total numeric)");
                st.execute("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.total := coalesce(NEW.total, 0); RETURN NEW; END $$");
                st.execute("CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch()");
                st.execute("INSERT INTO orders(customer_id) VALUES (1)");
                st.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
                st.execute("UPDATE customer SET name = encode(digest(email, 'sha256'), 'hex') WHERE id < 10");
                st.execute("ALTER TABLE customer RENAME COLUMN email TO email_address");
                st.execute("DROP TABLE orders");
                st.execute("DROP FUNCTION touch()");
            }
            reset("owner-role", null); // ownership comes back with the reset
        }
        api.destroy("owner-role");
        assertThat(successes).as("attacks: %d tried, %d succeeded", tried.size(), successes.size()).isEmpty();
    }

    @Test
    void noAttackOfACloneOwnerSucceeds() throws Exception {
        String gw = gateway(attackerContainer());

        attempt("reach another clone's container on 5432", c -> {
            String ip = containerIp(agent.clones().container("victim").orElseThrow().id());
            String r = probe(c, ip, 5432);
            return r.contains("OPEN") ? "connected to victim " + ip + ":5432" : null;
        });

        attempt("reach a running build server", c -> {
            BuildServer b = agent.builds().start(agent.config().template("shop").orElseThrow(), agent.builds().newBuildId(),
                    dev.dolly.agent.config.AgentConfig.DEFAULT_MAJOR);
            try {
                String ip = containerIp(b.containerId());
                String r = probe(c, ip, 5432);
                return r.contains("OPEN") ? "connected to build server " + ip + ":5432" : null;
            } finally {
                agent.builds().discard(b);
            }
        });

        attempt("reach the host's bridge address on the stand-in agent's port (0.0.0.0)", c -> {
            int before = accepted.get();
            String r = probe(c, gw, standInAgent.getLocalPort());
            return r.contains("OPEN") || accepted.get() > before ? "connected to " + gw + ":" + standInAgent.getLocalPort() : null;
        });

        attempt("reach the host's bridge address on the agent's port", c -> {
            String r = probe(c, gw, agent.httpPort());
            return r.contains("OPEN") ? "connected to " + gw + ":" + agent.httpPort() : null;
        });

        attempt("reach the host's other addresses on the stand-in agent's port", c -> {
            List<String> open = new ArrayList<>();
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && probe(c, a.getHostAddress(), standInAgent.getLocalPort()).contains("OPEN")) {
                        open.add(ni.getName() + " " + a.getHostAddress());
                    }
                }
            }
            return open.isEmpty() ? null : "connected to " + open;
        });

        attempt("reach the cloud metadata address", c -> {
            String r = probe(c, "169.254.169.254", 80);
            return r.contains("OPEN") ? "connected to 169.254.169.254:80" : null;
        });

        attempt("use the docker socket", c -> {
            String r = String.join("", program(c, "bash -c 'ls -l /var/run/docker.sock /run/docker.sock 2>/dev/null | wc -l; "
                    + "timeout 3 bash -c \"exec 3<>/dev/tcp/" + gw + "/2375\" 2>/dev/null && echo TCP'"));
            return r.equals("0") ? null : "docker socket reachable: " + r;
        });

        attempt("hold a capability or gain privileges", c -> {
            List<String> s = program(c, "bash -c 'grep -E \"^(CapEff|CapPrm|CapBnd|NoNewPrivs)\" /proc/self/status'");
            boolean caps = s.stream().filter(l -> l.startsWith("Cap")).anyMatch(l -> !l.endsWith("0000000000000000"));
            boolean nnp = s.stream().anyMatch(l -> l.matches("NoNewPrivs:\\s*1"));
            return caps || !nnp ? "capabilities/privileges: " + s : null;
        });

        attempt("write the container's root filesystem", c -> {
            String r = String.join("", program(c, "bash -c 'touch /usr/lib/dolly-was-here 2>/dev/null && echo WROTE || echo REFUSED'"));
            return r.contains("WROTE") ? "wrote /usr/lib" : null;
        });

        attempt("fork past the pids limit", c -> {
            String r = String.join("", program(c, "perl -e 'my @k; for (1..600) { my $p = fork(); last unless defined $p; "
                    + "if ($p == 0) { sleep 30; exit 0 } push @k, $p } kill 9, @k; waitpid($_, 0) for @k; print scalar(@k), \"\\n\"'"));
            int forks = Integer.parseInt(r.trim());
            log.info("fork attack: {} processes forked under a pids limit of {}", forks, PIDS);
            return forks >= PIDS ? forks + " processes forked" : null;
        });

        attempt("outlive a reset with a process of one's own", c -> {
            program(c, "bash -c 'setsid sleep 600 </dev/null >/dev/null 2>&1 & echo started'");
            reset("attacker", null);
            try (Connection again = ItAgent.connect(attacker)) {
                String r = String.join("", program(again, "bash -c 'for p in /proc/[0-9]*; do cat $p/comm 2>/dev/null; done | grep -c \"^sleep$\" || true'"));
                return Integer.parseInt(r.trim()) > 0 ? r.trim() + " sleep processes survived the reset" : null;
            }
        });

        attempt("fill the disk past the quota directly", c -> {
            long[] most = {0};
            Thread watch = usedWatcher(most);
            String size;
            try {
                // write, measure and clean up in one program: at its quota the owner's own server may stop writing
                size = String.join("", program(c, "bash -c 'head -c " + (3 * QUOTA) + " /dev/urandom > /pgdata/fill.bin 2>/dev/null; sync; "
                        + "stat -c %s /pgdata/fill.bin 2>/dev/null || echo 0; rm -f /pgdata/fill.bin'")).trim();
            } finally {
                watch.interrupt();
                watch.join();
            }
            log.info("disk attack: wrote {} MiB, the clone used at most {} MiB under a quota of {} MiB", Long.parseLong(size) >> 20,
                    most[0] >> 20, QUOTA >> 20);
            return Long.parseLong(size) > QUOTA + QUOTA / 2 || most[0] > QUOTA + QUOTA / 2
                    ? "wrote " + (Long.parseLong(size) >> 20) + " MiB past a quota of " + (QUOTA >> 20) + " MiB" : null;
        });
        reset("attacker", null);

        attempt("fill the disk past the quota through savepoints", c -> {
            long[] most = {0};
            Thread watch = usedWatcher(most);
            try {
                for (int i = 0; i < SAVEPOINTS; i++) {
                    try {
                        program(c, "bash -c 'head -c " + (QUOTA * 2 / 3) + " /dev/urandom > /pgdata/fill.bin 2>/dev/null; sync; rm -f /pgdata/fill.bin.old; "
                                + "mv /pgdata/fill.bin /pgdata/fill.bin.old; echo done'");
                    } catch (SQLException e) {
                        log.info("savepoint disk attack, round {}: the attacker's server failed: {}", i, e.getMessage());
                    }
                    try {
                        api.savepoint("attacker", "fill" + i);
                    } catch (RuntimeException refused) {
                        log.info("savepoint fill{} refused: {}", i, refused.getMessage());
                    }
                }
            } finally {
                watch.interrupt();
                watch.join();
            }
            log.info("savepoint disk attack: the clone used at most {} MiB under a quota of {} MiB", most[0] >> 20, QUOTA >> 20);
            return most[0] > QUOTA + QUOTA / 2 ? "the clone holds " + (most[0] >> 20) + " MiB" : null;
        });
        for (var sp : api.savepoints("attacker")) {
            api.deleteSavepoint("attacker", sp.name());
        }
        reset("attacker", null);

        attempt("create savepoints past the cap", c -> {
            int made = 0;
            for (int i = 0; i <= SAVEPOINTS; i++) {
                try {
                    api.savepoint("attacker", "cap" + i);
                    made++;
                } catch (RuntimeException refused) {
                    log.info("savepoint cap{} refused: {}", i, refused.getMessage());
                }
            }
            for (var sp : api.savepoints("attacker")) {
                api.deleteSavepoint("attacker", sp.name());
            }
            return made > SAVEPOINTS ? made + " savepoints under a cap of " + SAVEPOINTS : null;
        });

        attempt("capture the agent's credential by asking for a cleartext (LDAP) password in pg_hba.conf", c -> {
            // an LDAP "server" inside the container that records what PostgreSQL forwards to it
            program(c, "bash -c 'setsid perl -MIO::Socket::INET -e \"my \\$s = IO::Socket::INET->new(LocalAddr => q(127.0.0.1:3389), "
                    + "Listen => 5, ReuseAddr => 1) or die; while (my \\$x = \\$s->accept) { my \\$b = q(); \\$x->recv(\\$b, 4096); "
                    + "open(my \\$f, q(>>), q(/tmp/captured)); print \\$f \\$b; close \\$f; close \\$x }\" </dev/null >/dev/null 2>&1 & echo up'");
            try (Statement st = c.createStatement()) {
                st.execute("COPY (SELECT 'local all all trust' UNION ALL SELECT 'host all all all ldap ldapserver=127.0.0.1 ldapport=3389 "
                        + "ldapprefix=\"cn=\" ldapsuffix=\",dc=x\"') TO '/pgdata/pg_hba.conf'");
                st.execute("SELECT pg_reload_conf()");
            }
            Thread.sleep(300);
            // everything that makes the agent log in to the clone
            try {
                api.password("attacker");
            } catch (RuntimeException expected) {
                log.info("password rotation with a hostile pg_hba.conf: {}", expected.getMessage());
            }
            try {
                api.savepoint("attacker", "during-capture");
            } catch (RuntimeException expected) {
                log.info("savepoint with a hostile pg_hba.conf: {}", expected.getMessage());
            }
            agent.sampler().sampleAll();
            String captured = String.join("", program(c, "bash -c 'wc -c < /tmp/captured 2>/dev/null || echo 0'")).trim();
            return Long.parseLong(captured) > 0 ? captured + " bytes of credentials captured" : null;
        });
        for (var sp : api.savepoints("attacker")) {
            api.deleteSavepoint("attacker", sp.name());
        }
        // the attacker's own clone recovers by a reset: pristine data, the build's key, re-keyed at once
        reset("attacker", null);
        try (Connection c = ItAgent.connect(attacker); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        }
        api.password("attacker");

        assertThat(successes).as("attacks: %d tried, %d succeeded", tried.size(), successes.size()).isEmpty();
    }
}
