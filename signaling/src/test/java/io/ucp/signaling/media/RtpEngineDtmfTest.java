package io.ucp.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** rtpengine's DTMF log JSON (daemon/dtmf.c, dtmf_json_print) read into our calls' digits. */
class RtpEngineDtmfTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final UUID CALL = UUID.randomUUID();
    private static final UUID DEVICE = UUID.randomUUID();

    private static String event(String callId, String tag, int event) {
        return "{\"callid\":\"" + callId + "\",\"source_tag\":\"" + tag + "\",\"source_label\":\"\",\"tags\":[\"" + tag
                + "\",\"device-x\"],\"type\":\"DTMF\",\"timestamp\":1764870000,\"source_ip\":\"127.0.0.1\",\"event\":"
                + event + ",\"duration\":160,\"volume\":10}";
    }

    @Test
    void eventsMapToDigitsOfTheSendingDevice() {
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls-" + CALL, "device-" + DEVICE, 5)))
                .isEqualTo(new DtmfDetected(CALL, DEVICE, "5"));
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls-" + CALL, "device-" + DEVICE, 10))
                .digit()).isEqualTo("*");
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls-" + CALL, "device-" + DEVICE, 11))
                .digit()).isEqualTo("#");
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls-" + CALL, "device-" + DEVICE, 15))
                .digit()).isEqualTo("D");
    }

    @Test
    void anotherDeploymentsCallsAndOddEventsAreNotOurs() {
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls_test-" + CALL, "device-" + DEVICE, 5)))
                .as("the test lane's call").isNull();
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls-" + CALL, "a1b2c3", 5)))
                .as("a side that is no device").isNull();
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls-" + CALL, "device-" + DEVICE, 16)))
                .as("event 16 is no digit (RFC 4733 flash and beyond)").isNull();
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", event("ucp_calls-not-a-uuid", "device-" + DEVICE, 5)))
                .isNull();
        assertThat(RtpEngineDtmf.parse(MAPPER, "ucp_calls-", "not json")).isNull();
    }
}
