package io.ucp.billing.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.RestAssured;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.ucp.billing.platform.TestTokens;
import io.ucp.billing.support.Fixtures;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A billing killed with SIGKILL and started again rates calls as soon as it is ready: with a stable instance id its
 * consumers rejoin their group as the same static members and take their partitions back at once, instead of
 * waiting for the broker to evict the dead member (45 s by default, in which a prepaid account could overspend).
 */
class ConsumerRestartIT {

    private static KafkaCompanion kafka;
    private static Process billing;
    private static int port;
    /** Health lives on the management interface, not on the public port. */
    private static int management;
    private static final String INSTANCE = "billing-restart-it-" + UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        port = freePort();
        management = freePort();
        billing = startBilling();
        kafka = new KafkaCompanion("127.0.0.1:9092");
        RestAssured.port = port;
    }

    @AfterAll
    static void stop() throws Exception {
        if (billing != null) {
            billing.destroy();
            billing.waitFor(20, TimeUnit.SECONDS);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aKilledBillingRatesTheNextCallAsSoonAsItIsReadyAgain() throws Exception {
        String plan = Fixtures.uniqueCode("restart");
        Fixtures.createPlan(plan, 60, 60, "0", "0", 0, Map.of("49", "1.20"));
        UUID alice = UUID.randomUUID();
        Fixtures.fundedAccount(kafka, alice, plan, "10.00", null);
        UUID first = UUID.randomUUID();
        publishCall(first, alice);
        await().atMost(Duration.ofSeconds(60)).until(() -> hasCdr(alice, first));

        billing.destroyForcibly(); // SIGKILL: the consumers leave no goodbye to their groups
        assertThat(billing.waitFor(20, TimeUnit.SECONDS)).isTrue();
        UUID second = UUID.randomUUID();
        publishCall(second, alice); // arrives while billing is down
        billing = startBilling();

        // The restarted process is the same static member: it holds the partitions itself at once, with no dead
        // member left in the group to wait out (dynamic members would wait for the broker's session timeout).
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"))) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("ucp-billing-cdr"))
                        .describedGroups().get("ucp-billing-cdr").get(5, TimeUnit.SECONDS);
                assertThat(group.members()).extracting(m -> m.groupInstanceId().orElse("(dynamic)"))
                        .containsExactly(INSTANCE + "-call-events");
                assertThat(group.members().iterator().next().assignment().topicPartitions()).isNotEmpty();
            });
        }
        long ready = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> hasCdr(alice, second));
        System.out.printf("CDR of the call published during the outage: %d ms after the restarted billing was ready%n",
                (System.nanoTime() - ready) / 1_000_000);
    }

    private static void publishCall(UUID callId, UUID caller) {
        Fixtures.publish(kafka, Fixtures.CALL_TOPIC, callId.toString(), "call.ended", "/ucp/signaling",
                Fixtures.callEnded(callId, "outbound", caller, "+4930555123", null, "number",
                        Instant.now().minusSeconds(120), 61));
    }

    private static boolean hasCdr(UUID account, UUID callId) {
        List<String> ids = given().port(port).auth().oauth2(TestTokens.user(account)).get("/v1/cdrs?limit=100")
                .then().statusCode(200).extract().jsonPath().getList("items.callId");
        return ids.contains(callId.toString());
    }

    private static Process startBilling() throws Exception {
        String app = System.getProperty("ucp.it.billing-app");
        if (app == null || !Files.exists(Path.of(app))) {
            throw new IllegalStateException("billing is not packaged at " + app + " (build the reactor: mvn verify)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + management,
                "-Ducp.kafka.instance-id=" + INSTANCE,
                "-Dmp.jwt.verify.publickey.location=" + new File(System.getProperty("ucp.it.public-key")).toURI(),
                "-jar", app);
        File log = new File(System.getProperty("ucp.it.logs"), "restart-billing.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> given().port(management).get("/q/health/ready").statusCode() == 200);
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
