package dev.dolly.functions.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dolly.agent.api.CheckReport;
import dev.dolly.control.api.CloneInfo;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.CommandResult.CheckFinding;
import dev.dolly.control.api.CommandResult.CheckResult;
import dev.dolly.functions.check.CheckJunit;
import dev.dolly.functions.check.CheckMarkdown;
import dev.dolly.functions.check.CheckRanking;
import dev.dolly.functions.check.RowValues;
import dev.dolly.functions.store.CheckItem;
import java.util.List;

/**
 * A check's agent report made into what fronts answer: scrubbed of row values, rendered (markdown, JUnit XML), kept as
 * JSON in its record, and summed up as a {@link CheckResult} (worst three findings first).
 */
final class CheckResults {
    /** DynamoDB holds 400 kB per item: a larger report is kept without its statements (the rendered reports keep them). */
    static final int KEPT_REPORT_CHARS = 300_000;
    private static final ObjectMapper JSON = dev.dolly.agent.api.AgentJson.mapper();

    private CheckResults() {}

    /** The agent's report, scrubbed and with markdown and JUnit XML rendered. */
    static CheckReport rendered(CheckReport agentReport, CheckItem item) {
        CheckReport r = RowValues.scrub(agentReport);
        CheckMarkdown.Context ctx = new CheckMarkdown.Context(item.getTemplate(), item.getCloneId(), item.isKeep(), item.getCloneMs());
        return new CheckReport(item.getId(), r.verdict(), r.durationMs(), r.findings(), r.statements(),
                CheckMarkdown.render(r, ctx), CheckJunit.render(r, item.getTemplate()));
    }

    /** The report as JSON (the CI answer's body, less the fields the webhook adds), small enough to keep. */
    static String json(CheckReport r) {
        try {
            String s = JSON.writeValueAsString(r);
            if (s.length() <= KEPT_REPORT_CHARS) return s;
            ObjectNode o = JSON.valueToTree(r);
            o.putArray("statements");
            o.put("statementsLeftOut", r.statements() == null ? 0 : r.statements().size());
            return o.toString();
        } catch (Exception e) {
            throw new IllegalStateException("check report not serializable", e);
        }
    }

    static CheckReport parse(String json) {
        try {
            return JSON.readValue(json, CheckReport.class);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable check report", e);
        }
    }

    /** What a check answers as it stands now. {@code clone}/{@code password}: observe mode's start only. */
    static CheckResult of(CheckItem item, CloneInfo clone, String password, String message) {
        List<CheckFinding> worst = List.of();
        if (item.getReport() != null) {
            worst = CheckRanking.sorted(parse(item.getReport())).stream().limit(3).map(CheckResults::finding).toList();
        }
        return new CheckResult(item.getId(), item.getMode(), item.getState(), item.getTemplate(), item.getCloneId(), item.getVerdict(),
                item.getCloneMs(), item.getDurationMs(), item.getTotalMs(), item.getFindings() == null ? 0 : item.getFindings(), worst,
                item.getReport(), clone, password, item.isKeep(), item.getError(), message);
    }

    private static CheckFinding finding(CheckReport.Finding f) {
        return new CommandResult.CheckFinding(f.rule(), f.severity(), f.file(), f.line(), f.table(), f.lock(), f.holdMs(), f.blockedMs(),
                f.blockedQueries(), f.message(), f.fix());
    }
}
