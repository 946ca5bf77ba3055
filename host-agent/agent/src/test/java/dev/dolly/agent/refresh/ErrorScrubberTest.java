package dev.dolly.agent.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorScrubberTest {

    @Test
    void serverDetailAndValuesNeverLeave() {
        String pg = "ERROR: new row for relation \"people\" violates check constraint \"people_name_check\"\n"
                + "  Detail: Failing row contains (1, Jane Doe, jane@corp.com).\n"
                + "  Where: COPY people, line 1: \"1\tJane Doe\tjane@corp.com\"";
        String s = ErrorScrubber.scrub(pg);
        assertThat(s).contains("people_name_check").doesNotContain("Jane").doesNotContain("jane@").doesNotContain("Failing row");
        assertThat(ErrorScrubber.scrub("ERROR: duplicate key value violates unique constraint \"u_key\" Detail: Key (email)=(jane@corp.com) already exists."))
                .contains("u_key").doesNotContain("jane@");
        assertThat(ErrorScrubber.scrub("ERROR: could not create unique index \"u\"\nDETAIL:  Key (name)=(Jane Doe) is duplicated."))
                .contains("could not create unique index \"u\"").doesNotContain("Jane");
        assertThat(ErrorScrubber.scrub("ERROR: invalid input syntax for type integer: \"Jane Doe\""))
                .isEqualTo("ERROR: invalid input syntax for type integer: \"…\"");
        assertThat(ErrorScrubber.scrub("ERROR: value too long for type character varying(16)"))
                .isEqualTo("ERROR: value too long for type character varying(16)");
        assertThat(ErrorScrubber.scrub(null)).isNull();
    }

    @Test
    void refreshExceptionsAreScrubbed() {
        RefreshException e = RefreshException.failed("data", "public.people",
                "ERROR: x\n  Detail: Failing row contains (1, Jane Doe).", null);
        assertThat(e.getMessage()).doesNotContain("Jane");
    }
}
