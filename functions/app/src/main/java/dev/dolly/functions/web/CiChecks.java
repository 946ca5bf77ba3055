package dev.dolly.functions.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.control.api.Command;
import dev.dolly.control.api.CommandResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The migration check's part of the CI contract (issue 14):
 * <ul>
 * <li>{@code {"action":"check","template":"shop","migrations":[{"name":"V7__orders_index.sql","sql":"…"}],"snapshot","keep","wait"}}
 *     (files mode; {@code wait} defaults to true);</li>
 * <li>{@code {"action":"check-start","template":"shop","snapshot","keep","wait"}} answers the clone's connection as create
 *     does (201, with the password once) plus {@code check};</li>
 * <li>{@code {"action":"check-finish","check":"<id>","keep"}} answers the report.</li>
 * </ul>
 * The report: {@code check, verdict, durationMs, findings, statements, markdown, junit}, plus {@code state} (DONE, or
 * RUNNING when the wait ran out (202), or FAILED with {@code error} when the check itself could not run), {@code mode},
 * {@code template}, {@code clone}, {@code kept}, {@code cloneMs}, {@code totalMs} and {@code message}: the scalars first,
 * {@code markdown} and {@code junit} last.
 */
final class CiChecks {
    private CiChecks() {}

    static Command command(String action, JsonNode body) {
        switch (action) {
            case "check" -> {
                return new Command.Check(CiWebhook.text(body, "template"), migrations(body.get("migrations")),
                        CiWebhook.text(body, "snapshot"), flag(body, "keep", false), flag(body, "wait", true));
            }
            case "check-start" -> {
                return new Command.CheckStart(CiWebhook.text(body, "template"), CiWebhook.text(body, "snapshot"),
                        flag(body, "keep", false), flag(body, "wait", true));
            }
            default -> {
                String check = CiWebhook.text(body, "check");
                if (check == null) throw CiWebhook.bad("check: required for check-finish (the id check-start answered).");
                JsonNode keep = body.get("keep");
                return new Command.CheckFinish(check, keep == null || keep.isNull() ? null : flag(body, "keep", false));
            }
        }
    }

    private static boolean flag(JsonNode body, String field, boolean absent) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return absent;
        if (!n.isBoolean()) throw CiWebhook.bad(field + ": must be true or false.");
        return n.asBoolean();
    }

    private static List<Command.MigrationFile> migrations(JsonNode n) {
        if (n == null || n.isNull()) {
            throw CiWebhook.bad("migrations: required for check: [{\"name\":\"V7__orders_index.sql\",\"sql\":\"…\"}, …] "
                    + "(or use check-start and check-finish around your own migration tool).");
        }
        if (!n.isArray()) throw CiWebhook.bad("migrations: must be a list of {\"name\", \"sql\"} objects.");
        List<Command.MigrationFile> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode f = n.get(i);
            if (!f.isObject()) throw CiWebhook.bad("migrations: item " + (i + 1) + " must be an object {\"name\", \"sql\"}.");
            JsonNode name = f.get("name");
            JsonNode sql = f.get("sql");
            if (name != null && !name.isNull() && !name.isTextual() || sql != null && !sql.isNull() && !sql.isTextual()) {
                throw CiWebhook.bad("migrations: item " + (i + 1) + "'s name and sql must be strings.");
            }
            out.add(new Command.MigrationFile(name == null || name.isNull() ? null : name.asText().trim(),
                    sql == null || sql.isNull() ? null : sql.asText()));
        }
        return out;
    }

    static HttpAnswer answer(CommandResult.CheckResult r, ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        if (r.cloneInfo() != null) {
            // check-start: the clone's connection, as create answers it, plus the check id
            CiWebhook.cloneFields(o, r.cloneInfo());
            o.put("check", r.check());
            o.put("checkState", r.state());
            if (r.password() != null) o.put("password", r.password());
            if (r.message() != null) o.put("message", r.message());
            return HttpAnswer.json(r.password() != null ? 201 : 200, o.toString());
        }
        // scalars first, then the lists, then the two long texts last (markdown, junit): a client without a JSON parser
        // (clients/dolly-ci) reads the scalars from the head and cuts the texts at their unambiguous boundaries
        ObjectNode report = null;
        if (r.reportJson() != null) {
            try {
                report = (ObjectNode) json.readTree(r.reportJson());
            } catch (Exception e) {
                throw new IllegalStateException("unreadable check report", e);
            }
        }
        o.put("check", r.check());
        o.put("state", r.state());
        if (r.verdict() != null) o.put("verdict", r.verdict());
        o.put("mode", r.mode());
        o.put("template", r.template());
        o.put("clone", r.cloneId());
        o.put("kept", r.kept());
        if (r.durationMs() != null) o.put("durationMs", r.durationMs());
        if (r.cloneMs() != null) o.put("cloneMs", r.cloneMs());
        if (r.totalMs() != null) o.put("totalMs", r.totalMs());
        if (r.error() != null) o.put("error", r.error());
        if (r.message() != null) o.put("message", r.message());
        if (report != null) {
            for (String field : new String[] {"findings", "statements", "statementsLeftOut", "markdown", "junit"}) {
                if (report.has(field)) o.set(field, report.get(field));
            }
        }
        return HttpAnswer.json(r.reportJson() == null && "RUNNING".equals(r.state()) ? 202 : 200, o.toString());
    }
}
