package io.ucp.signaling.call;

import io.ucp.signaling.device.DeviceClient;
import io.ucp.signaling.platform.TestTokens;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * The test profile's outbound route table (application.properties): +4930 → 30a1, then 30a2; +49 → 49a1 (never
 * connected by any test). Fixed trunk ids, so one fixed gateway account owns them.
 */
public final class Trunks {

    public static final UUID GATEWAY_ACCOUNT = UUID.fromString("00000000-0000-4000-8000-00000000a11a");
    public static final UUID BERLIN_PRIMARY = UUID.fromString("00000000-0000-4000-8000-0000000030a1");
    public static final UUID BERLIN_BACKUP = UUID.fromString("00000000-0000-4000-8000-0000000030a2");

    private Trunks() {
    }

    /** A token of the gateway account (role gateway), as a SIP gateway would hold. */
    public static String gatewayToken() {
        return TestTokens.token(GATEWAY_ACCOUNT, UUID.randomUUID().toString(), Set.of("gateway"), Instant.now(),
                "test-keys/jwt-private.pem", TestTokens.ISSUER, TestTokens.AUDIENCE);
    }

    /** Connects trunk {@code trunkId} to the device channel as the gateway account. */
    public static DeviceClient connect(URI channel, UUID trunkId) throws Exception {
        return DeviceClient.connectTrunk(channel, GATEWAY_ACCOUNT, trunkId, gatewayToken());
    }
}
