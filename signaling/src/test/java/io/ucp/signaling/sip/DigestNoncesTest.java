package io.ucp.signaling.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Nonces: ours only, bound to the source, within their lifetime; the digest response per RFC 2617 (qop=auth). */
class DigestNoncesTest {

    private static final byte[] KEY = new byte[32];

    @Test
    void aNonceIsValidForItsSourceWithinItsLifetime() {
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        String nonce = new DigestNonces(KEY, Duration.ofSeconds(60), Clock.fixed(issued, ZoneOffset.UTC))
                .issue("127.0.0.1");
        assertThat(at(issued.plusSeconds(59)).valid(nonce, "127.0.0.1")).isTrue();
        assertThat(at(issued.plusSeconds(61)).valid(nonce, "127.0.0.1")).isFalse();
        assertThat(at(issued.plusSeconds(1)).valid(nonce, "127.0.0.2")).isFalse();
        assertThat(at(issued.minusSeconds(1)).valid(nonce, "127.0.0.1")).isFalse();
    }

    @Test
    void aForgedOrTamperedNonceIsRefused() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        DigestNonces nonces = at(now);
        String nonce = nonces.issue("127.0.0.1");
        String[] parts = nonce.split("\\.");
        String later = Long.toString(now.plusSeconds(3600).toEpochMilli(), 36) + "." + parts[1] + "." + parts[2];
        assertThat(nonces.valid(later, "127.0.0.1")).isFalse();
        assertThat(new DigestNonces(new byte[] {1, 2, 3}, Duration.ofSeconds(60), Clock.fixed(now, ZoneOffset.UTC))
                .valid(nonce, "127.0.0.1")).isFalse();
        assertThat(nonces.valid("garbage", "127.0.0.1")).isFalse();
        assertThat(nonces.valid(null, "127.0.0.1")).isFalse();
        assertThat(nonces.valid("x".repeat(500), "127.0.0.1")).isFalse();
    }

    /** RFC 2617 §3.5's example (qop=auth): Mufasa / "Circle Of Life". */
    @Test
    void theResponseMatchesRfc2617() {
        String ha1 = DigestNonces.md5("Mufasa:testrealm@host.com:Circle Of Life");
        assertThat(DigestNonces.response(ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "GET",
                "/dir/index.html")).isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    private static DigestNonces at(Instant now) {
        return new DigestNonces(KEY, Duration.ofSeconds(60), Clock.fixed(now, ZoneOffset.UTC));
    }
}
