package io.ucp.signaling.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SdpDirectionTest {

    private static final String PLAIN = "v=0\r\no=- 42 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 31000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    @Test
    void aStreamWithoutAttributeSendsAndReceivesAndItsOwnAttributeWinsOverTheSessions() {
        assertThat(SdpDirection.of(PLAIN)).isEqualTo("sendrecv");
        assertThat(SdpDirection.of(PLAIN + "a=sendonly\r\n")).isEqualTo("sendonly");
        assertThat(SdpDirection.of(PLAIN.replace("t=0 0\r\n", "t=0 0\r\na=inactive\r\n"))).isEqualTo("inactive");
        assertThat(SdpDirection.of(PLAIN.replace("t=0 0\r\n", "t=0 0\r\na=inactive\r\n") + "a=recvonly\r\n"))
                .isEqualTo("recvonly");
    }

    @Test
    void theOldZeroAddressHoldIsInactive() {
        assertThat(SdpDirection.of(PLAIN.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0"))).isEqualTo("inactive");
    }

    @Test
    void onlyTheFirstAudioStreamCounts() {
        String video = PLAIN + "a=sendrecv\r\nm=video 31002 RTP/AVP 96\r\na=inactive\r\n";
        assertThat(SdpDirection.of(video)).isEqualTo("sendrecv");
    }

    @Test
    void rewritingSetsTheDirectionOnceAndBumpsTheVersion() {
        String held = SdpDirection.with(PLAIN, "sendonly");
        assertThat(held).contains("o=- 42 8 IN IP4 127.0.0.1").contains("a=sendonly");
        assertThat(held.split("a=sendonly", -1)).hasSize(2);
        String resumed = SdpDirection.with(held, "sendrecv");
        assertThat(resumed).contains("o=- 42 9 IN IP4").contains("a=sendrecv").doesNotContain("sendonly");
        assertThat(resumed.split("a=sendrecv", -1)).hasSize(2);
    }

    @Test
    void theAnswerMirrorsTheOffer() {
        assertThat(SdpDirection.answerTo("sendonly")).isEqualTo("recvonly");
        assertThat(SdpDirection.answerTo("recvonly")).isEqualTo("sendonly");
        assertThat(SdpDirection.answerTo("inactive")).isEqualTo("inactive");
        assertThat(SdpDirection.answerTo("sendrecv")).isEqualTo("sendrecv");
    }
}
