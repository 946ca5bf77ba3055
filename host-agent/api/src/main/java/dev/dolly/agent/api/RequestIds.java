package dev.dolly.agent.api;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The request id that follows one request from the front (Slack, CI webhook, user API, schedule) through the control
 * plane to the agent and back in the answers: sent as {@value #HEADER}, kept in the logging MDC under
 * {@value #MDC_KEY} beside the principal, clone and template ids (the other keys here), so every JSON log line of the
 * request carries them. An incoming id is taken only when it matches {@link #VALID}, otherwise a new one is made.
 * It is a correlation id, not an authority: the agent does not sign it.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    public static final String PRINCIPAL = "principal";
    public static final String CLONE = "cloneId";
    public static final String TEMPLATE = "template";
    public static final String JOB = "job";
    /** What an incoming id must look like (anything else is ignored, so nothing odd reaches a log line). */
    public static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{8,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {}

    public static boolean valid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** A new id: {@code req-} and 20 random hex digits. */
    public static String make() {
        byte[] b = new byte[10];
        RANDOM.nextBytes(b);
        return "req-" + HexFormat.of().formatHex(b);
    }

    /** {@code incoming} when it is a valid id, else a new one. */
    public static String orMake(String incoming) {
        return valid(incoming) ? incoming : make();
    }

    /** The id of the request this thread works for, or null. */
    public static String current() {
        return MDC.get(MDC_KEY);
    }

    /** Puts {@code value} under {@code key} in this thread's MDC (removes the key when null). */
    public static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** What {@link #scope} and {@link #fresh} return: closing it puts the thread's MDC back as it was. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Adds the pairs {@code key, value, …} to this thread's MDC (a null value leaves its key out) until closed. */
    public static Scope scope(String... keyValues) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) MDC.put(keyValues[i], keyValues[i + 1]);
        }
        return () -> set(before);
    }

    /** A clean MDC holding only the request id {@code id}, until closed. */
    public static Scope fresh(String id) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        MDC.clear();
        MDC.put(MDC_KEY, id);
        return () -> set(before);
    }

    /** {@code work} run with the MDC of the calling thread (request id, principal, clone, template), on whatever thread. */
    public static Runnable carry(Runnable work) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            set(context);
            try {
                work.run();
            } finally {
                set(before);
            }
        };
    }

    /** As {@link #carry(Runnable)}, for a task with a result. */
    public static <T> Callable<T> carry(Callable<T> work) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            set(context);
            try {
                return work.call();
            } finally {
                set(before);
            }
        };
    }

    private static void set(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
