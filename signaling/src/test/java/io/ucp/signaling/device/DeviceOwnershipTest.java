package io.ucp.signaling.device;

import static io.ucp.signaling.call.CallTestSupport.call;
import static io.ucp.signaling.call.CallTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.ucp.signaling.call.CallTestSupport;
import io.ucp.signaling.call.CallTestSupport.User;
import io.ucp.signaling.platform.TestTokens;
import io.ucp.signaling.platform.security.RevokedSessions;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #10, findings 2 and 3: only a device registered to the account in identity (signaling's copy, fed by
 * identity's events) connects; a removed device, a revoked session, a suspended or deleted account close the
 * channel (1008), and a frame sent on a revoked channel has no effect.
 */
@QuarkusTest
class DeviceOwnershipTest {

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RevokedSessions revoked;
    @Inject
    DeviceCopies copies;

    @Test
    void aStrangerCannotConnectSomeoneElsesRegisteredDeviceAndTheOwnerStillCan() throws Exception {
        UUID owner = UUID.randomUUID();
        UUID stranger = UUID.randomUUID();
        UUID phone = UUID.randomUUID();
        IdentityDevices.registered(owner, phone);
        await().atMost(Duration.ofSeconds(30)).until(() -> CallTestSupport.await(() -> copies.isRegisteredTo(phone,
                owner)));
        String ws = DeviceClient.ws(channel);
        // The stranger comes first: under "first come" the id was theirs from then on.
        assertThat(handshakeStatus(ws + "?deviceId=" + phone + "&access_token=" + TestTokens.user(stranger)))
                .isEqualTo(403);
        try (DeviceClient mine = DeviceClient.connectRegistered(channel, owner, phone, TestTokens.user(owner))) {
            assertThat(mine.received().get(0).path("deviceId").asText()).isEqualTo(phone.toString());
            assertThat(handshakeStatus(ws + "?deviceId=" + phone + "&access_token=" + TestTokens.user(stranger)))
                    .isEqualTo(403);
        }
    }

    @Test
    void unknownDeviceIdsAreRefusedAndLeaveNothingInRedis() throws Exception {
        UUID account = UUID.randomUUID();
        String token = TestTokens.user(account);
        String ws = DeviceClient.ws(channel);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            assertThat(handshakeStatus(ws + "?deviceId=" + id + "&access_token=" + token)).isEqualTo(403);
        }
        for (UUID id : ids) {
            List<String> keys = CallTestSupport.await(() -> redis.key().keys("*" + id + "*"));
            assertThat(keys).as("Redis keys naming refused device %s", id).isEmpty();
        }
        assertThat(CallTestSupport.await(() -> redis.hash(String.class).hgetall("ucp:signaling:devices")).keySet())
                .doesNotContainAnyElementsOf(ids.stream().map(UUID::toString).toList());
    }

    @Test
    void aRemovedDevicesOpenChannelIsClosedAndItCannotConnectAgain() throws Exception {
        UUID account = UUID.randomUUID();
        UUID phone = UUID.randomUUID();
        String token = TestTokens.user(account);
        DeviceClient device = DeviceClient.connect(channel, account, phone, token);
        IdentityDevices.removed(account, phone);
        device.awaitClosedByServer();
        assertThat(device.closeCode()).isEqualTo(1008);
        assertThat(handshakeStatus(DeviceClient.ws(channel) + "?deviceId=" + phone + "&access_token=" + token))
                .isEqualTo(403);
    }

    @Test
    void aRevokedSessionsChannelIsClosedAndTheOtherSessionStaysOpen() throws Exception {
        UUID account = UUID.randomUUID();
        String session = UUID.randomUUID().toString();
        DeviceClient revokedOne = DeviceClient.connect(channel, account, UUID.randomUUID(),
                TestTokens.withSession(account, session, Instant.now()));
        try (DeviceClient other = DeviceClient.connect(channel, account, UUID.randomUUID(), TestTokens.user(account))) {
            IdentityDevices.sessionRevoked(account, session);
            await().atMost(Duration.ofSeconds(5)).until(revokedOne::closedByServer);
            assertThat(revokedOne.closeCode()).isEqualTo(1008);
            assertThat(other.closedByServer()).isFalse();
        }
    }

    @Test
    void aSuspendedAccountsChannelsAreClosed() throws Exception {
        UUID account = UUID.randomUUID();
        DeviceClient desk = DeviceClient.connect(channel, account, UUID.randomUUID(),
                TestTokens.withSession(account, UUID.randomUUID().toString(), Instant.now().minusSeconds(2)));
        DeviceClient phone = DeviceClient.connect(channel, account, UUID.randomUUID(),
                TestTokens.withSession(account, UUID.randomUUID().toString(), Instant.now().minusSeconds(2)));
        IdentityDevices.account(account, "account.suspended");
        await().atMost(Duration.ofSeconds(5)).until(() -> desk.closedByServer() && phone.closedByServer());
        assertThat(List.of(desk.closeCode(), phone.closeCode())).containsOnly(1008);
    }

    @Test
    void aDeletedAccountsChannelIsClosedAndItsDevicesAreForgotten() throws Exception {
        UUID account = UUID.randomUUID();
        UUID phone = UUID.randomUUID();
        DeviceClient device = DeviceClient.connect(channel, account, phone,
                TestTokens.withSession(account, UUID.randomUUID().toString(), Instant.now().minusSeconds(2)));
        IdentityDevices.account(account, "account.deleted");
        await().atMost(Duration.ofSeconds(5)).until(device::closedByServer);
        assertThat(device.closeCode()).isEqualTo(1008);
        await().atMost(Duration.ofSeconds(5)).until(() -> !CallTestSupport.await(() -> copies.isRegisteredTo(phone,
                account)));
    }

    /** The close may lag (pub/sub); a frame sent meanwhile must not act: each frame re-checks the revocation. */
    @Test
    void anAnswerAfterTheSessionWasRevokedHasNoEffect() throws Throwable {
        try (User alice = user(channel, 1)) {
            UUID bob = UUID.randomUUID();
            String session = UUID.randomUUID().toString();
            String bobToken = TestTokens.withSession(bob, session, Instant.now());
            DeviceClient bobPhone = DeviceClient.connect(channel, bob, UUID.randomUUID(), bobToken);
            UUID callId = call(alice, new User(bob, bobToken, List.of(bobPhone)));
            bobPhone.awaitCall("call.offer", callId, "ringing");
            // Only the revocation store (as the REST filter sees it), not the close broadcast.
            CallTestSupport.await(() -> revoked.revokeSession(session, Instant.now()));
            bobPhone.send(Map.of("type", "answer", "callId", callId.toString(), "ref", "late"));
            bobPhone.awaitMessage("error", m -> m.path("status").asInt() == 401);
            bobPhone.awaitClosedByServer();
            assertThat(bobPhone.closeCode()).isEqualTo(1008);
            RestAssured.given().auth().oauth2(alice.token()).get("/v1/calls/" + callId).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("ringing"));
            assertThat(bobPhone.received()).noneMatch(m -> "ack".equals(m.path("type").asText()));
            CallTestSupport.action(alice, callId, "hangup").statusCode(200);
        }
    }

    static int handshakeStatus(String uri) {
        var attempt = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(uri), new java.net.http.WebSocket.Listener() {
                });
        Throwable failure;
        try {
            attempt.get(10, TimeUnit.SECONDS).abort();
            return 101;
        } catch (ExecutionException e) {
            failure = e.getCause();
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) failure).getResponse().statusCode();
    }
}
