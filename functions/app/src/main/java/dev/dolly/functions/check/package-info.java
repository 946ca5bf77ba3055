/**
 * The migration check's reports as people read them (issue 14): the agent measures, the control plane renders — a
 * pull-request comment in markdown ({@link CheckMarkdown}), JUnit XML for CI systems ({@link CheckJunit}), worst
 * findings first ({@link CheckRanking}), and never a row value ({@link RowValues}).
 */
package dev.dolly.functions.check;
