package io.ucp.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PcapAudioTest {

    @Test
    void g711DecodesToTheItuValues() {
        // Reference points of G.711: µ-law 0xFF/0x7F are the two zeros, 0x00/0x80 the extremes; A-law 0xD5/0x55 ±8.
        assertThat(PcapAudio.ulaw(0xFF)).isEqualTo((short) 0);
        assertThat(PcapAudio.ulaw(0x7F)).isEqualTo((short) 0);
        assertThat(PcapAudio.ulaw(0x00)).isEqualTo((short) -32124);
        assertThat(PcapAudio.ulaw(0x80)).isEqualTo((short) 32124);
        assertThat(PcapAudio.alaw(0xD5)).isEqualTo((short) 8);
        assertThat(PcapAudio.alaw(0x55)).isEqualTo((short) -8);
        assertThat(PcapAudio.alaw(0xAA)).isEqualTo((short) 32256);
        assertThat(PcapAudio.alaw(0x2A)).isEqualTo((short) -32256);
    }

    @Test
    void rtpHeadersWithCsrcExtensionAndPaddingAreSkippedAndRtcpIsNotAudio() {
        byte[] p = new byte[12 + 4 + 8 + 160 + 4];
        p[0] = (byte) 0xB1; // V=2, padding, extension, 1 CSRC
        p[1] = 0;
        p[12 + 4 + 3] = 1; // extension of one word
        p[p.length - 1] = 4; // 4 bytes of padding
        PcapAudio.Rtp rtp = PcapAudio.Rtp.parse(p);
        assertThat(rtp.payloadOffset()).isEqualTo(24);
        assertThat(rtp.payloadLength()).isEqualTo(160);
        byte[] rtcp = new byte[28];
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 200; // sender report, pt 72 once the marker bit is masked
        assertThat(PcapAudio.Rtp.parse(rtcp)).isNull();
        assertThat(PcapAudio.Rtp.parse(new byte[5])).isNull();
    }
}
