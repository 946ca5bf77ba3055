package dev.dolly.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordsTest {
    @Test
    void randomPasswordsAreLongAndDifferent() {
        char[] a = Passwords.random();
        char[] b = Passwords.random();
        assertThat(a).hasSize(24);
        assertThat(new String(a)).isNotEqualTo(new String(b)).matches("[A-Za-z2-9]{24}");
    }

    @Test
    void verifiersAreScramAndSafeToEmbed() {
        char[] pw = "secret".toCharArray();
        String v = Passwords.scramVerifier(pw);
        assertThat(new String(pw)).isEqualTo("secret"); // not wiped
        assertThat(v).startsWith("SCRAM-SHA-256$4096:").doesNotContain("secret");
        assertThat(Passwords.checkVerifier(v)).isEqualTo(v);
        assertThat(Passwords.scramVerifier("secret".toCharArray())).isNotEqualTo(v); // salted
        assertThatThrownBy(() -> Passwords.checkVerifier("md5abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Passwords.checkVerifier(v + "'; DROP ROLE x; --")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAgentPasswordIsOneClustersOwn() {
        char[] a = Passwords.clusterPassword("secret-one-0123456789".getBytes(), "123456789");
        assertThat(a).isEqualTo(Passwords.clusterPassword("secret-one-0123456789".getBytes(), "123456789"));
        assertThat(a).isNotEqualTo(Passwords.clusterPassword("secret-two-0123456789".getBytes(), "123456789"));
        assertThat(a).isNotEqualTo(Passwords.clusterPassword("secret-one-0123456789".getBytes(), "123456790"));
        assertThat(new String(a)).hasSize(43);
        assertThatThrownBy(() -> Passwords.clusterPassword("secret-one-0123456789".getBytes(), "x'; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
