package io.ucp.presence.feed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.ucp.presence.platform.TestTokens;
import io.ucp.presence.support.FeedClient;
import io.ucp.presence.support.contract.ContractCallbacks;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two presence instances side by side (the packaged service started twice, on two ports, against the same test
 * database, Redis and topics): what happens on one reaches feeds held by the other, in order.
 */
class FeedTwoInstancesIT {

    private static final List<Process> instances = new ArrayList<>();
    /** HTTP port → that instance's management port (health lives there, not on the public port). */
    private static final java.util.Map<Integer, Integer> managementPorts = new java.util.HashMap<>();
    private static int one;
    private static int two;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        // Not a @QuarkusTest, so Quarkus' callbacks do not run: the same contract validator, installed by hand,
        // checks every REST exchange against the document of the instance it went to.
        new ContractCallbacks().beforeClass(FeedTwoInstancesIT.class);
        one = freePort();
        two = freePort();
        instances.add(start(one, "it-1"));
        instances.add(start(two, "it-2"));
        for (int port : List.of(one, two)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> given().port(managementPorts.get(port)).get("/q/health/ready").statusCode() == 200);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        instances.forEach(Process::destroy);
        for (Process process : instances) {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Process start(int port, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        managementPorts.put(port, freePort());
        List<String> command = List.of(java, "-Xmx256m", "-Dquarkus.profile=test", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPorts.get(port),
                "-Dquarkus.flyway.clean-at-start=false",
                "-Dmp.jwt.verify.publickey.location=" + new File(System.getProperty("ucp.it.public-key")).toURI(),
                "-jar", System.getProperty("ucp.it.app"));
        File log = new File(System.getProperty("ucp.it.logs"), name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private record User(UUID id, String token) {
        RequestSpecification on(int port) {
            return given().port(port).auth().oauth2(token).contentType(ContentType.JSON);
        }
    }

    private static User user() {
        UUID id = UUID.randomUUID();
        return new User(id, TestTokens.user(id));
    }

    private static FeedClient feed(int port, User user) {
        FeedClient client = FeedClient.connect(port, "access_token=" + user.token());
        client.awaitType("snapshot");
        return client;
    }

    @Test
    void presenceMessagesAndTypingCrossInstancesInOrder() {
        User a = user();
        User b = user();
        String sub = a.on(one).body(Map.of("targetAccountId", b.id())).post("/v1/presence/subscriptions")
                .then().statusCode(201).extract().path("id");
        b.on(two).post("/v1/presence/subscriptions/" + sub + "/approve").then().statusCode(200);
        String conversation = a.on(one).body(Map.of("kind", "direct", "participantIds", List.of(b.id())))
                .post("/v1/conversations").then().statusCode(201).extract().path("id");

        try (FeedClient feedA = feed(two, a); FeedClient feedB = feed(one, b)) {
            assertThat(feedA.ofType("hello").get(0).path("data").path("instanceId").asText())
                    .isNotEqualTo(feedB.ofType("hello").get(0).path("data").path("instanceId").asText());
            // B's presence, changed on instance one, reaches A's feed on instance two in order.
            await().atMost(Duration.ofSeconds(20)).until(() -> feedA.presenceStates(b.id()).contains("available"));
            for (String state : List.of("busy", "dnd", "away", "available")) {
                b.on(one).body(Map.of("state", state)).put("/v1/presence/me").then().statusCode(200);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> feedA.presenceStates(b.id()).size() >= 5);
            assertThat(feedA.presenceStates(b.id())).containsExactly("available", "busy", "dnd", "away", "available");

            // Messages sent through instance one reach A on instance two, in conversation order.
            for (int i = 1; i <= 5; i++) {
                b.on(one).body(Map.of("body", "m" + i)).post("/v1/conversations/" + conversation + "/messages")
                        .then().statusCode(201);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> feedA.ofType("message.created").size() == 5);
            assertThat(feedA.ofType("message.created")).extracting(f -> f.path("data").path("seq").asLong())
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
            // Typing from A's feed on instance two shows on B's feed on instance one (Redis pub/sub).
            feedA.send("{\"type\":\"typing\",\"conversationId\":\"" + conversation + "\"}");
            JsonNode typing = feedB.awaitType("typing");
            assertThat(typing.path("data").path("accountId").asText()).isEqualTo(a.id().toString());
            // A read on instance two is a receipt on instance one.
            feedA.send("{\"type\":\"read\",\"conversationId\":\"" + conversation + "\",\"seq\":5}");
            JsonNode receipt = feedB.awaitType("read.updated");
            assertThat(receipt.path("data").path("lastReadSeq").asLong()).isEqualTo(5);
        }
    }
}
