package dev.dolly.agent.masking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dolly.agent.masking.ColumnType.Family;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rule {@code json}: rules applied to values at JSON paths inside json/jsonb values (leaf rules built for text, lenient).
 */
final class JsonMask {

    private JsonMask() {}

    static Transformer create(Rule rule, ColumnType type, Prf prf) {
        if (!type.family().json()) {
            throw Transformers.typeError(rule, type, "json or jsonb");
        }
        JsonNode paths = rule.params().get("paths");
        if (paths == null || !paths.isObject() || paths.isEmpty()) {
            throw new MaskingConfigException(rule.where() + ": json needs 'paths:' mapping JSON paths to rules, e.g. {\"$.contact.email\": email}");
        }
        Map<JsonPaths.Path, Transformer> rules = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = rule.where() + ".paths[" + e.getKey() + "]";
            JsonPaths.Path path = JsonPaths.parse(e.getKey(), where);
            Rule sub = Rule.parse(e.getValue(), where);
            switch (sub.kind()) {
                case JSON, SQL, TRUNCATE -> throw new MaskingConfigException(where + ": rule " + sub.kind().yamlName() + " cannot be used inside a JSON value");
                case KEEP -> { continue; }
                default -> { }
            }
            // values inside JSON are strings or numbers: build the leaf rule for text,
            // with date/number parsing lenient (unparseable values become null, never the original)
            rules.put(path, Transformers.create(sub, ColumnType.of(Family.TEXT), false, prf));
        }
        return JsonPaths.transformer(rules);
    }
}
