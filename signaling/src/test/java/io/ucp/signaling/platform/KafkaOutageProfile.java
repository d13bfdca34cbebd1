package io.ucp.signaling.platform;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Points the outbox relay at a cuttable proxy in front of the broker's PROXIED listener (9094, advertised as 9095,
 * see deploy/local/ucp), so a test can stage a Kafka outage for this service alone.
 */
public class KafkaOutageProfile implements QuarkusTestProfile {

    public static final int PROXY_PORT = 9095;
    public static final int PROXIED_LISTENER_PORT = 9094;
    public static final TcpProxy PROXY = new TcpProxy(PROXY_PORT, PROXIED_LISTENER_PORT);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "ucp.outbox.bootstrap-servers", "127.0.0.1:" + PROXY_PORT,
                "ucp.outbox.metadata-timeout", "2s",
                "ucp.outbox.max-backoff", "500ms");
    }
}
