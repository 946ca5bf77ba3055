package dev.dolly.slack.grammar;

import dev.dolly.control.api.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrammarTest {
    final Grammar grammar = DollyGrammar.create("/dolly");

    ParseResult parse(String text) { return grammar.parse(text, "alice", "U0ALICE"); }

    Command command(String text) {
        ParseResult r = parse(text);
        assertThat(r).as(text).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) r).command();
    }

    ParseResult.Invalid invalid(String text) {
        ParseResult r = parse(text);
        assertThat(r).as(text).isInstanceOf(ParseResult.Invalid.class);
        return (ParseResult.Invalid) r;
    }

    @Test
    void hasEveryVerbOfTheIssueInOrder() {
        assertThat(grammar.verbs().stream().map(Verb::name)).containsExactly("help", "create", "list", "show", "reset", "savepoint",
                "rollback", "destroy", "protect", "extend", "password", "snapshots", "refresh", "templates", "status", "check", "token");
    }

    /** The shared cases (cases.tsv), which the user API's test reads as well: the same meaning on both fronts. */
    @Test
    void readsTheSharedCasesAsBothFrontsMust() throws Exception {
        List<String> lines;
        try (var in = GrammarTest.class.getResourceAsStream("cases.tsv")) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        int cases = 0;
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] c = line.split("\t", 2);
            ParseResult r = parse(c[0]);
            if (c[1].equals("help")) {
                assertThat(r).as(c[0]).isInstanceOf(ParseResult.Help.class);
            } else if (c[1].startsWith("invalid: ")) {
                assertThat(r).as(c[0]).isInstanceOf(ParseResult.Invalid.class);
                assertThat(((ParseResult.Invalid) r).problem()).as(c[0]).startsWith(c[1].substring("invalid: ".length()));
            } else {
                assertThat(command(c[0]).toString()).as(c[0]).isEqualTo(c[1]);
            }
            cases++;
        }
        assertThat(cases).isGreaterThan(25);
    }

    @Test
    void extendTakesTheDurationAsAWordOrAnOption() {
        assertThat(command("extend shop-alice 8h")).isEqualTo(new Command.Extend("shop-alice", Duration.ofHours(8)));
        assertThat(command("extend shop-alice --by 1d")).isEqualTo(new Command.Extend("shop-alice", Duration.ofDays(1)));
        assertThat(command("extend shop-alice")).isEqualTo(new Command.Extend("shop-alice", DollyGrammar.DEFAULT_EXTEND));
        assertThat(invalid("extend shop-alice 8h --by 2h").problem()).contains("given twice");
    }

    @Test
    void parsesTheTokenCommands() {
        assertThat(command("token")).isEqualTo(new Command.TokenIssue(DollyGrammar.DEFAULT_TOKEN_TTL, "alice"));
        assertThat(command("token --ttl 30d")).isEqualTo(new Command.TokenIssue(Duration.ofDays(30), "alice"));
        assertThat(command("token list")).isEqualTo(new Command.TokenList(false));
        assertThat(command("token list --all")).isEqualTo(new Command.TokenList(true));
        assertThat(command("token revoke tok-3f9a1c2b")).isEqualTo(new Command.TokenRevoke("tok-3f9a1c2b"));
        assertThat(invalid("token revoke").problem()).contains("needs the token's id");
        assertThat(invalid("token list --ttl 2d").problem()).contains("`--ttl` goes with a new token");
        assertThat(invalid("token --all").problem()).contains("`--all` goes with `token list`");
        assertThat(invalid("token show").problem()).contains("is not a token command");
        assertThat(invalid("token --ttl 2x").problem()).startsWith("Bad value for `--ttl`");
    }

    @Test
    void fixedFormsAreExactlyTheDocumentedOnes() {
        assertThat(grammar.usage(grammar.verb("create").orElseThrow()))
                .isEqualTo("/dolly create <template> [--name <clone>] [--ttl 4h] [--snapshot <id>]");
        assertThat(grammar.usage(grammar.verb("reset").orElseThrow())).isEqualTo("/dolly reset <clone> [--savepoint <name>]");
        assertThat(grammar.usage(grammar.verb("destroy").orElseThrow())).isEqualTo("/dolly destroy <clone>");
        assertThat(grammar.usage(grammar.verb("list").orElseThrow())).isEqualTo("/dolly list [--all]");
        assertThat(grammar.usage(grammar.verb("help").orElseThrow())).isEqualTo("/dolly help [<command>]");
    }

    @Test
    void parsesTheFixedForms() {
        assertThat(command("create shop")).isEqualTo(new Command.Create("shop", "shop-alice", null, null, true));
        assertThat(command("create shop --name shop-x --ttl 4h --snapshot 20260101-0300"))
                .isEqualTo(new Command.Create("shop", "shop-x", Duration.ofHours(4), "20260101-0300", true));
        assertThat(command("create shop --ttl=30m --name=shop-y")).isEqualTo(new Command.Create("shop", "shop-y", Duration.ofMinutes(30), null, true));
        assertThat(command("  CREATE   shop  ")).isEqualTo(new Command.Create("shop", "shop-alice", null, null, true));
        assertThat(command("reset shop-alice")).isEqualTo(new Command.Reset("shop-alice", null));
        assertThat(command("reset shop-alice --savepoint sp1")).isEqualTo(new Command.Reset("shop-alice", "sp1"));
        assertThat(command("destroy shop-alice")).isEqualTo(new Command.Destroy("shop-alice"));
        assertThat(command("list")).isEqualTo(new Command.ListClones(false));
        assertThat(parse("help")).isEqualTo(new ParseResult.Help(null));
        assertThat(parse("")).isEqualTo(new ParseResult.Help(null));
        assertThat(parse("help create")).isEqualTo(new ParseResult.Help(grammar.verb("create").orElseThrow()));
    }

    @Test
    void understandsWhatSlackClientsDoToText() {
        // macOS turns -- into an em dash; Slack sends &, <, > as entities; quotes may be curly
        assertThat(command("create shop \u2014ttl 2d")).isEqualTo(new Command.Create("shop", "shop-alice", Duration.ofDays(2), null, true));
        assertThat(command("create shop --name \u201cshop-q\u201d")).isEqualTo(new Command.Create("shop", "shop-q", null, null, true));
        assertThat(Tokenizer.split("a \"b c\" 'd e' &lt;x&gt;")).containsExactly("a", "b c", "d e", "<x>");
    }

    @Test
    void shareIsAcceptedByEveryVerbButHelp() {
        ParseResult r = parse("show shop-alice --share");
        assertThat(r).isInstanceOf(ParseResult.Parsed.class);
        assertThat(((ParseResult.Parsed) r).share()).isTrue();
        assertThat(((ParseResult.Parsed) parse("show shop-alice")).share()).isFalse();
        assertThat(invalid("help --share").problem()).contains("has no option `--share`");
    }

    @Test
    void mistakesNameTheProblemAndTheClosestVerb() {
        ParseResult.Invalid typo = invalid("crate shop");
        assertThat(typo.problem()).isEqualTo("There is no command `crate`.");
        assertThat(typo.closest().name()).isEqualTo("create");
        assertThat(typo.hint()).isEqualTo("Did you mean `create`?");

        assertThat(invalid("snap shop").closest().name()).isEqualTo("snapshots");
        assertThat(invalid("destory x").closest().name()).isEqualTo("destroy");
        assertThat(invalid("rset x").closest().name()).isEqualTo("reset");
        ParseResult.Invalid nothing = invalid("frobnicate");
        assertThat(nothing.closest()).isNull();
        assertThat(nothing.hint()).startsWith("Commands: help, create, list");

        assertThat(invalid("create").problem()).isEqualTo("`create` needs <template>: the template's name (`templates` lists them).");
        assertThat(invalid("rollback shop-alice").problem()).contains("needs <savepoint>");
        assertThat(invalid("destroy a b").problem()).isEqualTo("Unexpected `b`: `destroy` takes only <clone>.");
        assertThat(invalid("status now").problem()).isEqualTo("Unexpected `now`: `status` takes no arguments.");
        assertThat(invalid("create shop --ttl").problem()).startsWith("`--ttl` needs a value");
        assertThat(invalid("create shop --ttl --name x").problem()).startsWith("`--ttl` needs a value");
        assertThat(invalid("create shop --ttl 4x").problem()).contains("`4x` is not a duration");
        assertThat(invalid("create shop --ttl 4h --ttl 2h").problem()).isEqualTo("`--ttl` is given twice.");
        assertThat(invalid("list --all=yes").problem()).contains("is a switch");
        assertThat(invalid("create Shop").problem()).contains("`Shop` is not a name");
        ParseResult.Invalid flagTypo = invalid("create shop --nmae x");
        assertThat(flagTypo.hint()).isEqualTo("Did you mean `--name`?");
        assertThat(flagTypo.closest().name()).isEqualTo("create");
        assertThat(invalid("show x --all").hint()).isEqualTo("`show` takes no options.");
        assertThat(invalid("help crate").hint()).isEqualTo("Did you mean `help create`?");
    }

    @Test
    void defaultCloneNameIsTemplateAndUser() {
        assertThat(DollyGrammar.defaultCloneName("shop", "alice", "U0ALICE")).isEqualTo("shop-alice");
        assertThat(DollyGrammar.defaultCloneName("shop", "Bob.Smith", "U0BOB")).isEqualTo("shop-bob-smith");
        assertThat(DollyGrammar.defaultCloneName("shop", "", "U0BOB")).isEqualTo("shop-u0bob");
        assertThat(DollyGrammar.defaultCloneName("shop", "李", "U0LI")).isEqualTo("shop-u0li");
        String longName = DollyGrammar.defaultCloneName("t".repeat(40), "u".repeat(40), "U1");
        assertThat(longName).hasSizeLessThanOrEqualTo(63).matches("[a-z][a-z0-9_-]*[a-z0-9]");
        assertThat(ValueType.NAME.convert(longName)).isEqualTo(longName);
    }

    @Test
    void helpIsGeneratedFromTheGrammar() {
        String help = grammar.help();
        for (Verb v : grammar.verbs()) assertThat(help).contains("`" + grammar.usage(v) + "`").contains(v.summary());
        assertThat(help).contains("--share");
        String create = grammar.help(grammar.verb("create").orElseThrow());
        assertThat(create).contains("`--ttl 4h` how long the clone lives").contains("`<template>`").contains("/dolly create shop")
                .contains("--share");
        assertThat(grammar.help(grammar.verb("extend").orElseThrow())).contains("default 4h");
    }

    @ParameterizedTest
    @CsvSource({"30m,PT30M", "4h,PT4H", "2d,PT48H", "1d12h,PT36H", "1h30m,PT1H30M", "90s,PT1M30S", "1w,PT168H", "4H,PT4H"})
    void parsesDurations(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        for (String bad : List.of("", "4", "h4", "4x", "0h", "-4h", "4 h", "1.5h")) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void formatsDurationsInTheFormItReads() {
        assertThat(Durations.format(Duration.ofHours(4))).isEqualTo("4h");
        assertThat(Durations.format(Duration.ofHours(52))).isEqualTo("2d4h");
        assertThat(Durations.format(Duration.ofMinutes(185))).isEqualTo("3h5m");
        assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Durations.human(Duration.ofMinutes(185))).isEqualTo("3 h 5 m");
        for (String s : List.of("4h", "2d4h", "3h5m", "30m", "1d")) assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
    }

    @Test
    void editDistanceCountsTranspositionsAsOne() {
        assertThat(EditDistance.between("destory", "destroy")).isEqualTo(1);
        assertThat(EditDistance.between("crate", "create")).isEqualTo(1);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.closest("xyz", List.of("create", "list"))).isEmpty();
    }
}
