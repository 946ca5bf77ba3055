package dev.dolly.functions;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DollyFunctionsApplication {
    public static void main(String[] args) {
        SpringApplication.run(DollyFunctionsApplication.class, args);
    }
}
