package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The jars {@code mvn package} built carry production code only: the Lambda jar holds no test library and
 * nothing of DynamoDB Local (which brings Mockito, Byte Buddy, Guava, AWS SDK v1, Jetty and the Cognito and
 * Pinpoint SDKs), and stays under its size limit; DynamoDB Local is in the local server's jar. Runs after
 * {@code package} (tag {@code packaged}, surefire execution {@code packaged-jars} in the integration-test
 * phase, also with {@code -Dskip.integration=true}).
 */
@Tag("packaged")
class PackagedJarsTest {
    /**
     * Issue 18: under 35 MB (it was 72.5 MB with DynamoDB Local, then 45.9 MB). What is left is what the functions run on
     * Lambda: Spring Boot and Spring Cloud Function with reactor (~12 MB), the AWS SDK's DynamoDB client and core
     * (~8 MB), Slack's Bolt, API client and model with OkHttp and Kotlin's stdlib (~7 MB, minimized), Jackson, Logback.
     */
    static final long LAMBDA_JAR_MAX_BYTES = 35_000_000L;

    static final List<String> NOT_IN_LAMBDA = List.of(
            // test libraries
            "org/mockito/", "net/bytebuddy/", "org/objenesis/", "org/junit/", "org/assertj/", "org/hamcrest/",
            "net/jqwik/", "com/github/tomakehurst/wiremock/", "org/wiremock/", "org/springframework/test/",
            "org/springframework/boot/test/",
            // DynamoDB Local and what only it brings
            "com/amazonaws/services/dynamodbv2/", "com/almworks/sqlite4java/", "org/eclipse/jetty/", "org/antlr/",
            "com/google/common/", "software/amazon/awssdk/services/cognitoidentity/",
            "software/amazon/awssdk/services/cognitoidentityprovider/", "software/amazon/awssdk/services/pinpoint/",
            // unused HTTP stacks (every SDK client runs on the URLConnection client; Lambda serves no HTTP)
            "io/netty/", "org/apache/hc/", "org/apache/catalina/", "org/apache/tomcat/", "jakarta/servlet/",
            "org/springframework/web/servlet/", "org/springframework/cloud/function/web/",
            // what only the local server runs or logs through: its refresh-schedule clock, the Log4j API
            "com/cronutils/", "org/apache/logging/log4j/",
            // the local server's metrics and health: Micrometer's registries, Prometheus, Actuator, resilience4j's meters
            "io/micrometer/core/", "io/micrometer/prometheusmetrics/", "io/prometheus/", "org/HdrHistogram/", "org/LatencyUtils/",
            "org/springframework/boot/actuate/", "io/github/resilience4j/micrometer/",
            // the adapter's event serialization (the functions take API Gateway events as JSON maps) and the generated
            // Lambda and Secrets Manager clients (dev.dolly.functions.aws signs those two calls itself)
            "com/amazonaws/lambda/thirdparty/", "com/amazonaws/services/lambda/runtime/serialization/",
            "software/amazon/awssdk/services/lambda/", "software/amazon/awssdk/services/secretsmanager/",
            // benchmarks and local-only servers
            "dev/dolly/slack/LocalSlackServer", "dev/dolly/agent/bench/");

    static Path jar(String name) {
        Path target = Path.of(System.getProperty("dolly.target", "target"));
        Path jar = target.resolve(name);
        assertThat(jar).as("%s (built by mvn package)", jar).isRegularFile();
        return jar;
    }

    static List<String> entries(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void lambdaJarCarriesProductionCodeOnly() throws IOException {
        Path jar = jar("dolly-functions-aws.jar");
        List<String> entries = entries(jar);

        assertThat(entries).as("the handler and the application")
                .contains("org/springframework/cloud/function/adapter/aws/FunctionInvoker.class",
                        "dev/dolly/functions/DollyFunctionsApplication.class",
                        "software/amazon/cloudwatchlogs/emf/logger/MetricsLogger.class");
        assertThat(entries.stream().filter(e -> NOT_IN_LAMBDA.stream().anyMatch(e::startsWith)).limit(20).toList())
                .as("test libraries, DynamoDB Local and unused stacks in %s", jar)
                .isEmpty();
        assertThat(Files.size(jar)).as("size of %s", jar).isLessThan(LAMBDA_JAR_MAX_BYTES);
    }

    /**
     * Every auto-configuration the Lambda jar names is in it, or is one Spring Boot drops before loading it: its class
     * condition in {@code spring-autoconfigure-metadata.properties} names a class the jar does not have. So the
     * auto-configuration packages the shade leaves out cannot be asked for.
     */
    @Test
    void lambdaJarLeavesOutOnlyAutoConfigurationsThatCannotApply() throws IOException {
        Path jar = jar("dolly-functions-aws.jar");
        try (JarFile f = new JarFile(jar.toFile())) {
            Properties metadata = new Properties();
            try (InputStream in = f.getInputStream(f.getEntry("META-INF/spring-autoconfigure-metadata.properties"))) {
                metadata.load(in);
            }
            String imports;
            try (InputStream in = f.getInputStream(f.getEntry("META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))) {
                imports = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Predicate<String> inJar = c -> f.getEntry(c.replace('.', '/') + ".class") != null;
            List<String> named = imports.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            List<String> missing = named.stream().filter(inJar.negate()).toList();

            assertThat(missing).as("auto-configurations left out").isNotEmpty();
            assertThat(missing.stream().filter(c -> Arrays.stream(metadata.getProperty(c + ".ConditionalOnClass", "").split(","))
                            .map(String::strip).filter(s -> !s.isEmpty()).allMatch(inJar)).toList())
                    .as("auto-configurations left out of %s whose class condition holds there", jar)
                    .isEmpty();
            assertThat(named).as("what the functions need").contains(
                    "org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration",
                    "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration");
            assertThat(inJar.test("org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration")).isTrue();
        }
    }

    @Test
    void localServerJarEmbedsDynamoDbLocal() throws IOException {
        List<String> entries = entries(jar("dolly-functions.jar"));

        assertThat(entries).anyMatch(e -> e.startsWith("BOOT-INF/lib/DynamoDBLocal-"));
        assertThat(entries).noneMatch(e -> e.startsWith("BOOT-INF/classes/dev/dolly/slack/LocalSlackServer"));
    }
}
