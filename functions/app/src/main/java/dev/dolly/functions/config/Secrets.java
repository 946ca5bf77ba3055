package dev.dolly.functions.config;

import dev.dolly.functions.aws.AwsApi;
import dev.dolly.functions.aws.SecretsManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where secrets come from. A secret named by an environment variable {@code NAME} is that variable's
 * value; when it is unset and {@code NAME_ARN} or {@code DOLLY_NAME_ARN} holds a Secrets Manager ARN
 * (how the AWS deployment passes them), the secret's value is fetched once and cached. CI key secrets
 * may also come from {@code DOLLY_CI_KEY_SECRET_ARNS} ({@code id=arn,id=arn}).
 */
public final class Secrets {
    private static final Logger log = LoggerFactory.getLogger(Secrets.class);
    public static final String CI_KEY_ARNS_ENV = "DOLLY_CI_KEY_SECRET_ARNS";

    private final Function<String, String> env;
    private final Function<String, String> fetchByArn;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public Secrets(Function<String, String> env, Function<String, String> fetchByArn) {
        this.env = env;
        this.fetchByArn = fetchByArn;
    }

    public Secrets(Function<String, String> env) {
        this(env, arn -> null);
    }

    /** Environment variables (then system properties), and Secrets Manager for ARNs. */
    public static Secrets fromEnvironment() {
        Function<String, String> env = name -> {
            String v = System.getenv(name);
            return v != null ? v : System.getProperty(name);
        };
        return new Secrets(env, new Function<>() {
            private volatile SecretsManager client;

            @Override
            public String apply(String arn) {
                if (client == null) {
                    synchronized (this) {
                        if (client == null) client = new SecretsManager(AwsApi.of("secretsmanager", null, null));
                    }
                }
                return client.secretString(arn);
            }
        });
    }

    public static Secrets of(Map<String, String> values) {
        return new Secrets(values::get);
    }

    /** The value of {@code envName} (or of the secret its {@code _ARN} variable names), else {@code literal}, else null. */
    public String resolve(String envName, String literal) {
        if (envName != null && !envName.isBlank()) {
            String v = env.apply(envName);
            if (v != null && !v.isEmpty()) {
                return v;
            }
            for (String arnVar : new String[] {envName + "_ARN", "DOLLY_" + envName + "_ARN"}) {
                String arn = env.apply(arnVar);
                if (arn != null && !arn.isBlank()) {
                    return byArn(arn);
                }
            }
        }
        return literal == null || literal.isEmpty() ? null : literal;
    }

    /** The secret of CI key {@code id} from {@value #CI_KEY_ARNS_ENV}, or null. */
    public String ciKeyFromArns(String id) {
        String arn = ciKeyArns().get(id);
        return arn == null ? null : byArn(arn);
    }

    /** CI key id → secret ARN from {@value #CI_KEY_ARNS_ENV}. */
    public Map<String, String> ciKeyArns() {
        Map<String, String> out = new LinkedHashMap<>();
        String pairs = env.apply(CI_KEY_ARNS_ENV);
        if (pairs == null || pairs.isBlank()) return out;
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    /** A plain environment value (not a secret). */
    public String env(String name) {
        return env.apply(name);
    }

    private String byArn(String arn) {
        return cache.computeIfAbsent(arn, a -> {
            try {
                String v = fetchByArn.apply(a);
                if (v == null) log.error("secret {} is empty", a);
                return v;
            } catch (RuntimeException e) {
                log.error("could not read secret {}: {}", a, e.toString());
                return null;
            }
        });
    }

    @Override
    public String toString() {
        return "Secrets[***]";
    }
}
