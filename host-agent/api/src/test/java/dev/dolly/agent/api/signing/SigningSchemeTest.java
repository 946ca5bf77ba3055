package dev.dolly.agent.api.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Known answers computed outside Java (openssl, and Slack's documented example), so every wire format stays byte-identical. */
class SigningSchemeTest {
    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void slackV0MatchesSlacksDocumentedExample() {
        String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        assertThat(SigningScheme.SLACK.sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618L, body))
                .isEqualTo("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
        assertThat(new String(SigningScheme.SLACK.text(null, null, 1531420618L, null, utf8("b")), StandardCharsets.UTF_8))
                .isEqualTo("v0:1531420618:b");
        assertThat(SigningScheme.SLACK.timestampHeader()).isEqualTo("X-Slack-Request-Timestamp");
        assertThat(SigningScheme.SLACK.signatureHeader()).isEqualTo("X-Slack-Signature");
    }

    @Test
    void ciMatchesTheDollyCiScript() {
        // printf '%s' "$ts.$BODY" | openssl dgst -sha256 -hmac "$DOLLY_CI_SECRET" -hex   (clients/dolly-ci)
        String body = "{\"action\":\"status\",\"clone\":\"ci-1\"}";
        assertThat(SigningScheme.CI.sign("dev-secret", 1700000000L, body))
                .isEqualTo("sha256=3fc948a3e379d4faeefde1c32d657d956aa0bab0d1a77ae16303df12758bd2ea");
        assertThat(Hmac.hex("dev-secret", "1700000000." + body)).isEqualTo("3fc948a3e379d4faeefde1c32d657d956aa0bab0d1a77ae16303df12758bd2ea");
        assertThat(SigningScheme.CI.signatureHeader()).isEqualTo("X-Dolly-Signature");
    }

    @Test
    void agentSignsTheHostAndMatchesTheBashHelperWithAndWithoutANonce() {
        // printf 'POST\nlocal\n/v1/clones\n1700000000\n0123abcd\n{"clone":"a"}' | openssl dgst -sha256 -mac HMAC -macopt key:s3cret
        byte[] secret = utf8("s3cret");
        assertThat(SigningScheme.AGENT.sign(secret, "post", "local", "/v1/clones", 1700000000L, "0123abcd", utf8("{\"clone\":\"a\"}")))
                .isEqualTo("860be4a1c7ce77b9e2c17dc885b6a041f641b8db746042de10e80e5cdd72d955");
        // without a nonce the nonce and its separator are left out: "GET\nh1\n/v1/clones\n1700000000\n" + empty body
        assertThat(SigningScheme.AGENT.sign(secret, "GET", "h1", "/v1/clones", 1700000000L, null, new byte[0]))
                .isEqualTo("2330eebc821337ac157b45137bc9fb35474879aa4f2290fe9f0507ad5e04c6cb");
        assertThat(SigningScheme.AGENT.hostHeader()).isEqualTo("X-Dolly-Host");
        assertThat(SigningScheme.AGENT.nonceHeader()).isEqualTo("X-Dolly-Nonce");
    }

    @Test
    void keyDerivationMatchesTheAgentRolePassword() {
        // printf '%s' 'dolly host agent: dolly_agent password v1' | openssl dgst -sha256 -mac HMAC -macopt key:s3cret -binary | base64url
        byte[] d = Hmac.derive(utf8("s3cret"), "dolly host agent: dolly_agent password v1");
        assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(d)).isEqualTo("fO3E7sT2RqYZSQdR4KtTOIh2BQLFIjylEdlouJeUfMs");
    }

    @Test
    void base64EncodingAndTheWindowAreData() {
        SigningScheme b64 = new SigningScheme("b64", "T", null, null, "S", "", SigningScheme.AGENT.parts(), "\n", "x=",
                SigningScheme.Encoding.BASE64URL, java.time.Duration.ofSeconds(10));
        byte[] secret = utf8("s3cret");
        String hex = SigningScheme.AGENT.sign(secret, "GET", "h1", "/v1/clones", 1700000000L, null, new byte[0]);
        byte[] raw = java.util.HexFormat.of().parseHex(hex);
        assertThat(b64.sign(secret, "GET", "h1", "/v1/clones", 1700000000L, null, new byte[0]))
                .isEqualTo("x=" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
        Instant now = Instant.ofEpochSecond(1700000000L);
        assertThat(b64.fresh(1700000010L, now)).isTrue();
        assertThat(b64.fresh(1699999989L, now)).isFalse();
        assertThat(SigningScheme.AGENT.fresh(1700000000L - 300, now)).isTrue();
        assertThat(SigningScheme.AGENT.fresh(1700000000L + 301, now)).isFalse();
    }

    @Test
    void sameComparesWholeSignaturesAndRefusesNull() {
        assertThat(SigningScheme.same("abc", "abc")).isTrue();
        assertThat(SigningScheme.same("abc", "abd")).isFalse();
        assertThat(SigningScheme.same(null, "abc")).isFalse();
        assertThat(SigningScheme.same("abc", null)).isFalse();
    }
}
