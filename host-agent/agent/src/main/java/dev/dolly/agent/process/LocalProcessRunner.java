package dev.dolly.agent.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs programs on this machine with {@link ProcessBuilder}. */
public final class LocalProcessRunner implements ProcessRunner {
    private static final Logger log = LoggerFactory.getLogger(LocalProcessRunner.class);
    /** Readers of the programs' output: blocking, so never on the common pool (one thread on 2 cores). */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "process-output");
        t.setDaemon(true);
        return t;
    });

    @Override
    public ProcessResult run(Invocation inv) {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(inv.argv());
        pb.environment().putAll(inv.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ProcessFailedException(inv.argv(), "cannot start: " + e.getMessage(), e);
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), READERS);
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), READERS);
        try (OutputStream in = p.getOutputStream()) {
            if (inv.stdin() != null) {
                in.write(inv.stdin());
            }
        } catch (IOException e) {
            // the program closed its stdin early; its exit code tells the rest
        }
        try {
            if (!p.waitFor(inv.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ProcessFailedException(inv.argv(), "timed out after " + inv.timeout().toSeconds() + " s", null);
            }
            int exit = p.exitValue();
            String stdout = new String(out.get(), StandardCharsets.UTF_8);
            String stderr = new String(err.get(), StandardCharsets.UTF_8);
            if (log.isDebugEnabled()) {
                log.debug("{} -> {} in {} ms", inv.argv(), exit, (System.nanoTime() - t0) / 1_000_000);
            }
            if (exit != 0) {
                throw new ProcessFailedException(inv.argv(), exit, stderr);
            }
            return new ProcessResult(exit, stdout, stderr);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProcessFailedException(inv.argv(), "interrupted", e);
        } catch (ExecutionException e) {
            throw new ProcessFailedException(inv.argv(), "cannot read output: " + e.getCause(), e.getCause());
        }
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
