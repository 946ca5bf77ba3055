package dev.dolly.functions;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The control plane's Spring Boot application. Spring Cloud Function's web support (which would serve every
 * function bean at {@code /<name>}, {@code /functionRouter} included, to anyone) is left out: the local server
 * answers only its documented routes ({@link LocalRoutes}, {@code local.LocalAdminRoutes}, the Slack stand-in).
 */
@SpringBootApplication(excludeName = {
        "org.springframework.cloud.function.web.mvc.ReactorAutoConfiguration",
        "org.springframework.cloud.function.web.flux.ReactorAutoConfiguration",
        "org.springframework.cloud.function.web.source.FunctionExporterAutoConfiguration"})
public class DollyFunctionsApplication {
    public static void main(String[] args) {
        // JSON lines (application.yaml) unless DOLLY_LOG_FORMAT=text asks for Spring Boot's plain ones
        if ("text".equals(System.getenv("DOLLY_LOG_FORMAT"))) {
            System.setProperty("logging.structured.format.console", "");
        }
        SpringApplication.run(DollyFunctionsApplication.class, args);
    }
}
