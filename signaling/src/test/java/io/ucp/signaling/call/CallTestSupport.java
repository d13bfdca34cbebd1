package io.ucp.signaling.call;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.ucp.signaling.device.DeviceClient;
import io.ucp.signaling.platform.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A user with a token and connected devices, and the REST calls a test makes on their behalf. */
public final class CallTestSupport {

    private CallTestSupport() {
    }

    public record User(UUID id, String token, List<DeviceClient> devices) implements AutoCloseable {

        public DeviceClient device() {
            return devices.get(0);
        }

        @Override
        public void close() {
            devices.forEach(DeviceClient::close);
        }
    }

    public static User user(URI channel, int deviceCount) throws Exception {
        CallEvents.records();
        UUID id = UUID.randomUUID();
        String token = TestTokens.user(id);
        List<DeviceClient> devices = new ArrayList<>();
        for (int i = 0; i < deviceCount; i++) {
            devices.add(DeviceClient.connect(channel, id, UUID.randomUUID(), token));
        }
        return new User(id, token, devices);
    }

    public static ValidatableResponse originate(User from, UUID to, String key) {
        var request = given().auth().oauth2(from.token()).contentType(ContentType.JSON)
                .body(Map.of("deviceId", from.device().deviceId, "toAccountId", to));
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.when().post("/v1/calls").then();
    }

    public static UUID call(User from, User to) {
        String id = originate(from, to.id(), null).statusCode(201).extract().path("callId");
        return UUID.fromString(id);
    }

    public static ValidatableResponse action(User who, UUID callId, String action) {
        return given().auth().oauth2(who.token()).contentType(ContentType.JSON)
                .when().post("/v1/calls/" + callId + "/" + action).then();
    }

    public static ValidatableResponse action(String token, UUID callId, String action, String key) {
        var request = given().auth().oauth2(token).contentType(ContentType.JSON);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.when().post("/v1/calls/" + callId + "/" + action).then();
    }

    /** Runs a poll twice at once, as two instances of the service would (e.g. {@code timers::fireDue}). */
    public static <T> void raceTwice(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> poll) throws Exception {
        var threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var one = threads.submit(() -> await(poll));
            var two = threads.submit(() -> await(poll));
            one.get();
            two.get();
        } finally {
            threads.shutdownNow();
        }
    }

    /** Runs a reactive pipeline on a fresh Vert.x context and waits for it. */
    public static <T> T await(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> pipeline) throws Exception {
        try {
            return VertxContextSupport.subscribeAndAwait(pipeline);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(Pool pool, String sql, Object... args) throws Exception {
        return await(() -> pool.preparedQuery(sql).execute(Tuple.wrap(args))
                .map(rows -> rows.iterator().next().getLong(0)));
    }

    public static List<Row> rows(Pool pool, String sql, Object... args) throws Exception {
        return await(() -> pool.preparedQuery(sql).execute(Tuple.wrap(args))
                .map(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return list;
                }));
    }

    /** The events written for the call (all writes commit before the response, so this is the final count). */
    public static long outboxCount(Pool pool, UUID callId) throws Throwable {
        return count(pool, "SELECT count(*) FROM outbox_events WHERE event_key = $1", callId.toString());
    }

    public static void assertEvents(Pool pool, UUID callId, String... types) throws Throwable {
        assertThat(outboxCount(pool, callId)).as("events written for the call").isEqualTo(types.length);
        assertThat(CallEvents.awaitTypes(callId, types.length)).containsExactly(types);
    }
}
