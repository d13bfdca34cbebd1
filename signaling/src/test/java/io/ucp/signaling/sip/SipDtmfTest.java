package io.ucp.signaling.sip;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sip.SipFactory;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;

/** Digits read from SIP INFO bodies (JAIN-SIP parses the message, as on the wire). */
class SipDtmfTest {

    private static Request info(String type, String body) throws Exception {
        String text = "INFO sip:ucp@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
                + "From: <sip:a@ucp.local>;tag=1\r\nTo: <sip:b@ucp.local>;tag=2\r\nCall-ID: c1\r\nCSeq: 2 INFO\r\n"
                + "Max-Forwards: 70\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body;
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        return factory.createMessageFactory().createRequest(text);
    }

    @Test
    void dtmfRelayAndDtmfBodiesGiveTheirDigit() throws Exception {
        assertThat(SipDtmf.digitsOf(info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"))).isEqualTo("5");
        assertThat(SipDtmf.digitsOf(info("application/dtmf-relay", "Signal= #\r\nDuration=250\r\n"))).isEqualTo("#");
        assertThat(SipDtmf.digitsOf(info("application/dtmf", "b"))).isEqualTo("B");
    }

    @Test
    void otherBodiesCarryNoDigit() throws Exception {
        assertThat(SipDtmf.digitsOf(info("application/dtmf-relay", "Signal=55\r\n"))).isNull();
        assertThat(SipDtmf.digitsOf(info("application/dtmf-relay", "Duration=160\r\n"))).isNull();
        assertThat(SipDtmf.digitsOf(info("application/dtmf", "x"))).isNull();
        assertThat(SipDtmf.digitsOf(info("text/plain", "Signal=5"))).isNull();
    }
}
