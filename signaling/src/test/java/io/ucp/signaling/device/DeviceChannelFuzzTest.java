package io.ucp.signaling.device;

import static io.restassured.RestAssured.given;
import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport.User;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Garbage on the device channel: every bad frame gets an error frame with a 4xx status (never 5xx), an oversized
 * frame closes the connection with 1009, and the service stays ready and keeps serving other devices.
 */
@QuarkusTest
class DeviceChannelFuzzTest {

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void badFramesGetErrorFramesAndTheServiceStaysReady() throws Throwable {
        try (User alice = user(channel, 1); User bob = user(channel, 1)) {
            UUID callId = call(alice, bob);
            DeviceClient phone = bob.device();
            phone.awaitCall("call.offer", callId, "ringing");
            String id = callId.toString();
            List<String> frames = new ArrayList<>(List.of(
                    "", "not json", "{", "[]", "\"text\"", "42", "null", "{}", "{\"type\":null}", "{\"type\":42}",
                    "{\"type\":\"answer\"}", "{\"type\":\"answer\",\"callId\":42}",
                    "{\"type\":\"answer\",\"callId\":\"not-a-uuid\"}",
                    "{\"type\":\"answer\",\"callId\":\"" + UUID.randomUUID() + "\"}",
                    "{\"type\":\"teleport\",\"callId\":\"" + id + "\"}",
                    "{\"type\":\"sdp\",\"callId\":\"" + id + "\",\"description\":\"v=0\"}",
                    "{\"type\":\"sdp\",\"callId\":\"" + id + "\",\"description\":[1,2]}",
                    "{\"type\":\"ice\",\"callId\":\"" + id + "\",\"candidate\":null}",
                    "{\"type\":\"ice\",\"callId\":\"" + id + "\",\"candidate\":{\"candidate\":\"a\u0000b\"}}",
                    "{\"type\":\"hangup\",\"callId\":\"" + UUID.randomUUID() + "\",\"ref\":{\"nested\":true}}",
                    "{\"type\":\"answer\",\"callId\":\"" + id + "\",\"callId\":\"" + id + "\"}",
                    "{\"type\":\"reject\",\"callId\":\"" + UUID.randomUUID() + "\",\"ref\":\"" + "r".repeat(5000) + "\"}",
                    "{\"type\":\"sdp\",\"callId\":\"" + id + "\",\"description\":{\"sdp\":\"" + "x".repeat(70_000)
                            + "\"}}",
                    "[".repeat(5000) + "]".repeat(5000)));
            int errors = 0;
            for (String frame : frames) {
                phone.sendRaw(frame);
                int expected = ++errors;
                await().atMost(Duration.ofSeconds(10)).alias(frame.length() > 80 ? frame.substring(0, 80) : frame)
                        .until(() -> errorFrames(phone).size() >= expected);
            }
            assertThat(errorFrames(phone)).allSatisfy(e -> assertThat(e.path("status").asInt())
                    .as(e.toString()).isBetween(400, 499));
            assertThat(phone.closedByServer()).isFalse();

            // Still a working channel: the ringing call can be answered from it.
            phone.sendRaw("{\"type\":\"answer\",\"callId\":\"" + id + "\",\"ref\":\"ok\"}");
            phone.awaitMessage("ack", m -> "ok".equals(m.path("ref").asText()));

            // A frame over the channel's size limit closes the connection with 1009 (message too big).
            try (DeviceClient other = alice.device()) {
                other.sendRaw("{\"type\":\"sdp\",\"pad\":\"" + "y".repeat(200_000) + "\"}");
                other.awaitClosedByServer();
                assertThat(other.closeCode()).isEqualTo(1009);
            }
            given().port(management.getPort()).when().get("/q/health/ready").then().statusCode(200);
            try (User carol = user(channel, 1)) {
                assertThat(carol.device().closedByServer()).isFalse();
            }
        }
    }

    private static List<JsonNode> errorFrames(DeviceClient client) {
        return client.received().stream().filter(m -> "error".equals(m.path("type").asText())).toList();
    }
}
