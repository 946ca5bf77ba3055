package dev.dolly.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON the CLI writes ({"args":[…]}) and reads (a refusal's message). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String args(List<String> words) {
        try {
            return MAPPER.writeValueAsString(Map.of("args", words));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the command as JSON", e);
        }
    }

    /** The string field of a JSON object, if the text is one and has it. */
    static Optional<String> field(String text, String name) {
        try {
            JsonNode node = MAPPER.readTree(text).get(name);
            return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
