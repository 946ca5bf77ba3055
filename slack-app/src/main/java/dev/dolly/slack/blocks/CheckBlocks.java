package dev.dolly.slack.blocks;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.dolly.control.api.CommandResult;
import dev.dolly.control.api.CommandResult.CheckFinding;
import dev.dolly.control.api.Figures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

/**
 * The migration check in Slack (issue 14): the card a finished check posts (verdict, the three worst findings, the
 * durations) and the dialog {@code /dolly check <template>} opens to paste SQL into.
 */
public final class CheckBlocks {
    public static final String CHECK_MODAL = "dolly_check_modal";
    public static final String NAME_BLOCK = "check_name";
    public static final String NAME_INPUT = "check_name_input";
    public static final String SQL_BLOCK = "check_sql";
    public static final String SQL_INPUT = "check_sql_input";
    /** Slack's limit for a plain-text input. */
    public static final int SQL_MAX = 3000;

    private CheckBlocks() {}

    /** The notification text (fallback and push notification). */
    public static String text(CommandResult.CheckResult r) {
        if (r.verdict() == null) {
            return "Migration check " + r.check() + " of " + r.template() + ": " + r.state().toLowerCase(Locale.ROOT)
                    + (r.error() == null ? "" : " (" + r.error() + ")");
        }
        return "Migration check of " + r.template() + ": " + r.verdict() + " (" + r.findings() + " finding" + (r.findings() == 1 ? "" : "s") + ")";
    }

    public static List<LayoutBlock> card(CommandResult.CheckResult r) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String head = icon(r.verdict()) + " *Migration check of `" + BlockKit.esc(r.template()) + "`: "
                + (r.verdict() == null ? BlockKit.esc(r.state().toLowerCase(Locale.ROOT)) : r.verdict()) + "*";
        if (r.verdict() != null) head += " — " + r.findings() + " finding" + (r.findings() == 1 ? "" : "s");
        if (r.error() != null) head += "\n" + BlockKit.esc(r.error());
        String h = head;
        blocks.add(section(s -> s.text(markdownText(h))));
        for (CheckFinding f : r.worst()) {
            String line = severityIcon(f.severity()) + " `" + BlockKit.esc(f.rule()) + "`"
                    + (f.file() == null ? "" : " at " + BlockKit.esc(f.file()) + (f.line() == null ? "" : ":" + f.line()))
                    + (f.table() == null ? "" : " on `" + BlockKit.esc(f.table()) + "`")
                    + (f.lock() == null ? "" : " (" + BlockKit.esc(f.lock()) + (f.holdMs() == null ? "" : " held " + ms(f.holdMs())) + ")")
                    + (f.blockedMs() == null || f.blockedMs() == 0 ? "" : ", blocked queries up to " + ms(f.blockedMs())
                            + (f.blockedQueries() == null ? "" : " (" + f.blockedQueries() + ")"))
                    + "\n" + BlockKit.esc(cut(f.message(), 300))
                    + (f.fix() == null ? "" : "\n_Fix:_ " + BlockKit.esc(cut(f.fix(), 300)));
            blocks.add(section(s -> s.text(markdownText(line))));
        }
        List<String> figures = new ArrayList<>();
        if (r.durationMs() != null) figures.add("migration " + ms(r.durationMs()));
        if (r.cloneMs() != null) figures.add("clone " + ms(r.cloneMs()));
        if (r.totalMs() != null) figures.add("request to report " + ms(r.totalMs()));
        figures.add("check `" + BlockKit.esc(r.check()) + "`");
        figures.add(r.kept() ? "clone `" + BlockKit.esc(r.cloneId()) + "` kept" : "clone destroyed");
        String fig = String.join(" · ", figures);
        blocks.add(context(c -> c.elements(List.of(markdownText(fig)))));
        return blocks;
    }

    /** The slash command's answer while the dialog is open. */
    public static Reply dialogOpened(String template) {
        return Reply.ephemeral("Paste the migration to check", List.of(context(c -> c.elements(List.of(markdownText(
                ":memo: Paste the migration in the dialog; the report of its check on `" + BlockKit.esc(template) + "` comes here."))))));
    }

    /** The dialog of {@code /dolly check <template>}: a file name and the SQL to check. */
    public static View modal(String template, String privateMetadata) {
        return view(v -> v.type("modal").callbackId(CHECK_MODAL).privateMetadata(privateMetadata)
                .title(viewTitle(t -> t.type("plain_text").text("Check a migration")))
                .submit(viewSubmit(s -> s.type("plain_text").text("Check")))
                .close(viewClose(c -> c.type("plain_text").text("Cancel")))
                .blocks(List.of(
                        section(s -> s.text(markdownText("Runs the SQL on a full-size masked clone of `" + BlockKit.esc(template)
                                + "` with production-like traffic, and reports the locks it takes, what they block, rewrites, "
                                + "errors and lint findings. The clone is destroyed afterwards."))),
                        input(i -> i.blockId(NAME_BLOCK).optional(true).label(plainText("File name"))
                                .element(plainTextInput(p -> p.actionId(NAME_INPUT).initialValue("migration.sql").maxLength(200)))),
                        input(i -> i.blockId(SQL_BLOCK).label(plainText("SQL"))
                                .element(plainTextInput(p -> p.actionId(SQL_INPUT).multiline(true).maxLength(SQL_MAX)
                                        .placeholder(plainText("CREATE INDEX CONCURRENTLY …"))))))));
    }

    private static String icon(String verdict) {
        if (verdict == null) return ":grey_question:";
        return switch (verdict) {
            case "pass" -> ":white_check_mark:";
            case "warn" -> ":warning:";
            default -> ":x:";
        };
    }

    private static String severityIcon(String severity) {
        if ("error".equalsIgnoreCase(severity)) return ":red_circle:";
        if ("warning".equalsIgnoreCase(severity)) return ":large_orange_circle:";
        return ":large_blue_circle:";
    }

    private static String ms(Long ms) {
        return Figures.ms(ms);
    }

    private static String cut(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
