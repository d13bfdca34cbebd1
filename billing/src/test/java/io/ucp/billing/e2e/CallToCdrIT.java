package io.ucp.billing.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.platform.TestTokens;
import io.ucp.billing.support.Fixtures;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The money path across services, end to end: signaling and billing each run as their packaged service in its own
 * process (test profile: the test databases, Redis db 1, the {@code *.test} topics), real devices sit on
 * signaling's device channel, and everything goes through the public APIs. A call made through signaling becomes
 * exactly one rated CDR in billing and moves the payer's balance by its cost; a prepaid account that a call
 * exhausts cannot start another call until it is topped up.
 */
class CallToCdrIT {

    /** HTTP port → that instance's management port (health lives there, not on the public port). */
    private static final java.util.Map<Integer, Integer> managementPorts = new java.util.HashMap<>();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADMIN = Fixtures.ADMIN;
    /** Internal calls cost 0.60 per started minute on this plan (60 s increments, no fees). */
    private static final BigDecimal INTERNAL_MINUTE = new BigDecimal("0.60");

    private static final List<Process> processes = new ArrayList<>();
    private static int signaling;
    private static int billing;
    private static KafkaCompanion kafka;
    private static String plan;

    @BeforeAll
    static void startSignalingAndBilling() throws Exception {
        signaling = freePort();
        billing = freePort();
        processes.add(start("signaling", System.getProperty("ucp.it.signaling-app"), signaling));
        processes.add(start("billing", System.getProperty("ucp.it.billing-app"), billing));
        for (int port : List.of(signaling, billing)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> given().port(managementPorts.get(port)).get("/q/health/ready").statusCode() == 200);
        }
        kafka = new KafkaCompanion("127.0.0.1:9092");
        // Fixtures talk to "the service" on RestAssured's default port: here, billing.
        RestAssured.port = billing;
        plan = Fixtures.uniqueCode("e2e");
        api(billing, ADMIN).body(Map.of("code", plan, "name", "End to end", "currency", "EUR",
                "effectiveFrom", "2020-01-01T00:00:00Z", "initialIncrementSeconds", 60,
                "subsequentIncrementSeconds", 60, "internalRatePerMinute", INTERNAL_MINUTE,
                "destinationRates", List.of(Map.of("prefix", "49", "ratePerMinute", "1.20"))))
                .post("/v1/plans").then().statusCode(201);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (kafka != null) {
            kafka.close();
        }
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void anAnsweredCallIsOneRatedCdrAndMovesThePayersBalanceByItsCost() throws Exception {
        User alice = user();
        User bob = user();
        prepaid(alice, "10.00");
        try (Device alicePhone = Device.connect(alice); Device bobPhone = Device.connect(bob)) {
            String callId = talk(alice, alicePhone, bob, bobPhone);

            JsonNode cdr = awaitRatedCdr(alice, callId);
            assertThat(cdr.path("accountId").asText()).isEqualTo(alice.id().toString());
            assertThat(cdr.path("direction").asText()).isEqualTo("internal");
            assertThat(cdr.path("disposition").asText()).isEqualTo("answered");
            assertThat(cdr.path("billableSeconds").asInt()).isPositive();
            assertThat(cdr.path("planCode").asText()).isEqualTo(plan);
            assertThat(cdr.path("cost").decimalValue()).isEqualByComparingTo(INTERNAL_MINUTE);
            assertThat(balance(alice)).isEqualByComparingTo(new BigDecimal("10.00").subtract(INTERNAL_MINUTE));
            // The callee pays nothing and has no CDR of their own for it; the caller has exactly one.
            assertThat(cdrsOf(bob, callId)).isEmpty();
            assertThat(cdrsOf(alice, callId)).hasSize(1);
        }
    }

    @Test
    void aCallThatExhaustsAPrepaidBalanceStopsTheNextCallUntilATopUp() throws Exception {
        User carol = user();
        User bob = user();
        User absent = user();
        prepaid(carol, "0.50");
        try (Device carolPhone = Device.connect(carol); Device bobPhone = Device.connect(bob)) {
            String callId = talk(carol, carolPhone, bob, bobPhone);
            assertThat(awaitRatedCdr(carol, callId).path("cost").decimalValue()).isEqualByComparingTo(INTERNAL_MINUTE);
            assertThat(balance(carol)).isEqualByComparingTo("-0.10");
            api(billing, ADMIN).get("/v1/accounts/" + carol.id() + "/billing").then().statusCode(200)
                    .body("balanceState", org.hamcrest.Matchers.equalTo("exhausted"));

            // billing.events balance.exhausted reaches signaling: Carol's next call is refused for lack of funds.
            // (A user with no device: a call not refused ends at once, so polling leaves nothing ringing.)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> "insufficient-funds".equals(call(carol, carolPhone, absent).getString("endCause")));
            JsonPath refused = call(carol, carolPhone, bob);
            assertThat(refused.getString("state")).isEqualTo("ended");
            assertThat(refused.getString("endCause")).isEqualTo("insufficient-funds");
            assertThat(bobPhone.received("call.offer", m -> refused.getString("callId").equals(callId(m)))).isEmpty();

            // A top-up (billing.events balance.topped-up) lets her call again.
            api(billing, ADMIN).body(Map.of("amount", "5.00")).post("/v1/accounts/" + carol.id() + "/top-ups")
                    .then().statusCode(201);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> !"insufficient-funds".equals(call(carol, carolPhone, absent).getString("endCause")));
            String again = talk(carol, carolPhone, bob, bobPhone);
            assertThat(awaitRatedCdr(carol, again).path("cost").decimalValue()).isEqualByComparingTo(INTERNAL_MINUTE);
            assertThat(balance(carol)).isEqualByComparingTo("4.30"); // 0.50 - 0.60 + 5.00 - 0.60
        }
    }

    /** Caller dials callee, the callee's device answers, the caller hangs up; returns the call id. */
    private static String talk(User caller, Device callerPhone, User callee, Device calleePhone) {
        JsonPath placed = call(caller, callerPhone, callee);
        String callId = placed.getString("callId");
        assertThat(placed.getString("state")).isEqualTo("ringing");
        calleePhone.awaitMessage("call.offer", m -> callId.equals(callId(m)));
        calleePhone.send(Map.of("type", "answer", "callId", callId));
        await().atMost(Duration.ofSeconds(20)).until(() -> "active".equals(
                api(signaling, caller.token()).get("/v1/calls/" + callId).then().extract().path("state")));
        api(signaling, caller.token()).header("Idempotency-Key", UUID.randomUUID().toString()).body("{}")
                .post("/v1/calls/" + callId + "/hangup").then().statusCode(200);
        return callId;
    }

    private static JsonPath call(User caller, Device callerPhone, User callee) {
        return api(signaling, caller.token()).header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("deviceId", callerPhone.deviceId, "toAccountId", callee.id()))
                .post("/v1/calls").then().statusCode(201).extract().jsonPath();
    }

    private static JsonNode awaitRatedCdr(User payer, String callId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> cdrsOf(payer, callId).stream()
                .filter(c -> !c.path("cost").isNull()).findFirst(), Optional::isPresent).get();
    }

    private static List<JsonNode> cdrsOf(User user, String callId) throws IOException {
        String body = api(billing, user.token()).get("/v1/cdrs?limit=100").then().statusCode(200).extract().asString();
        List<JsonNode> found = new ArrayList<>();
        MAPPER.readTree(body).path("items").forEach(c -> {
            if (callId.equals(c.path("callId").asText())) {
                found.add(c);
            }
        });
        return found;
    }

    private static BigDecimal balance(User user) {
        return new BigDecimal(api(billing, user.token()).get("/v1/accounts/" + user.id() + "/billing")
                .then().statusCode(200).extract().jsonPath().getString("balance"));
    }

    /** The account as identity announces it (account.created), then a prepaid plan and a top-up by an admin. */
    private static void prepaid(User user, String topUp) {
        Fixtures.fundedAccount(kafka, user.id(), plan, topUp, "\"mode\":\"prepaid\"");
    }

    private static String callId(JsonNode message) {
        return message.path("callId").asText(message.path("call").path("callId").asText());
    }

    private static RequestSpecification api(int port, String token) {
        return given().port(port).auth().oauth2(token).contentType(ContentType.JSON);
    }

    private record User(UUID id, String token) {
    }

    private static User user() {
        UUID id = UUID.randomUUID();
        return new User(id, TestTokens.user(id));
    }

    private static Process start(String name, String app, int port) throws IOException {
        if (app == null || !Files.exists(Path.of(app))) {
            throw new IllegalStateException(name + " is not packaged at " + app + " (build the reactor: mvn verify)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        managementPorts.put(port, freePort());
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + managementPorts.get(port),
                "-Dmp.jwt.verify.publickey.location=" + new File(System.getProperty("ucp.it.public-key")).toURI(),
                "-jar", app);
        File log = new File(System.getProperty("ucp.it.logs"), "e2e-" + name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A phone on signaling's device channel: a real WebSocket client recording what it receives. */
    private static final class Device implements AutoCloseable {

        private static final HttpClient HTTP = HttpClient.newHttpClient();

        final UUID deviceId;
        private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final WebSocket socket;

        private Device(User owner, UUID deviceId) throws Exception {
            this.deviceId = deviceId;
            URI uri = URI.create("ws://127.0.0.1:" + signaling + "/v1/devices/channel?deviceId=" + deviceId
                    + "&access_token=" + owner.token());
            socket = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        try {
                            messages.add(MAPPER.readTree(partial.toString()));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        partial.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            awaitMessage("ready", m -> true);
        }

        /**
         * Registers the device in identity's name (device.registered on identity.events, as identity publishes it)
         * and connects once signaling's copy of the account's devices knows it: until then the channel says 403.
         */
        static Device connect(User owner) throws Exception {
            UUID deviceId = UUID.randomUUID();
            Fixtures.publish(kafka, Fixtures.IDENTITY_TOPIC, owner.id().toString(), "device.registered",
                    "/ucp/identity", MAPPER.writeValueAsString(Map.of("accountId", owner.id().toString(),
                            "deviceId", deviceId.toString(), "type", "web", "name", "e2e phone")));
            return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> new Device(owner, deviceId), device -> true);
        }

        List<JsonNode> received(String type, Predicate<JsonNode> match) {
            return messages.stream().filter(m -> type.equals(m.path("type").asText())).filter(match).toList();
        }

        JsonNode awaitMessage(String type, Predicate<JsonNode> match) {
            return await().atMost(Duration.ofSeconds(20)).until(() -> received(type, match).stream().findFirst(),
                    Optional::isPresent).get();
        }

        void send(Map<String, Object> message) {
            try {
                socket.sendText(MAPPER.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            socket.abort();
        }
    }
}
