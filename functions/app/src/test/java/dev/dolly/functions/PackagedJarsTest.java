package dev.dolly.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
     * 45.9 MB today, with room for some growth. Issue 18 asks for 35 MB; what is left is what the functions run
     * on Lambda: Spring Boot and Spring Cloud Function with reactor (~14 MB), the AWS SDK clients for DynamoDB,
     * Lambda and Secrets Manager with their core (~12 MB), Slack's Bolt, API client and model with OkHttp, the
     * Kotlin stdlib and commons-lang3/-text (~10 MB), aws-lambda-java-serialization (3.7 MB: the adapter reads
     * API Gateway events with it), Jackson and Logback.
     */
    static final long LAMBDA_JAR_MAX_BYTES = 46_500_000L;

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
                        "dev/dolly/functions/DollyFunctionsApplication.class");
        assertThat(entries.stream().filter(e -> NOT_IN_LAMBDA.stream().anyMatch(e::startsWith)).limit(20).toList())
                .as("test libraries, DynamoDB Local and unused stacks in %s", jar)
                .isEmpty();
        assertThat(Files.size(jar)).as("size of %s", jar).isLessThanOrEqualTo(LAMBDA_JAR_MAX_BYTES);
    }

    @Test
    void localServerJarEmbedsDynamoDbLocal() throws IOException {
        List<String> entries = entries(jar("dolly-functions.jar"));

        assertThat(entries).anyMatch(e -> e.startsWith("BOOT-INF/lib/DynamoDBLocal-"));
        assertThat(entries).noneMatch(e -> e.startsWith("BOOT-INF/classes/dev/dolly/slack/LocalSlackServer"));
    }
}
