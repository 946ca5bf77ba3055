package dev.dolly.agent.check;

/** Small helpers for report text. */
final class Reports {
    static final int MAX_SQL = 2000;

    private Reports() {}

    /** A statement's text as it goes into a report: whitespace collapsed, cut at {@link #MAX_SQL} characters. */
    static String excerpt(String sql) {
        String s = StatementSplitter.shape(sql);
        return s.length() <= MAX_SQL ? s : s.substring(0, MAX_SQL) + " …";
    }
}
