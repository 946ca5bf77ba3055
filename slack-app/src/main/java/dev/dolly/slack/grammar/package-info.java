/**
 * The {@code /dolly} command language: a small declarative grammar ({@link dev.dolly.slack.grammar.Verb},
 * {@link dev.dolly.slack.grammar.Param}, {@link dev.dolly.slack.grammar.Flag} with typed values such as durations)
 * that parses a command line into a control-plane command, explains mistakes with the closest valid usage, and
 * generates the help text. {@link dev.dolly.slack.grammar.DollyGrammar} declares every verb.
 */
package dev.dolly.slack.grammar;
