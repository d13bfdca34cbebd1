package io.ucp.signaling.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.device.DeviceRegistry;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Call setups through the SIP edge: a sipp UAC (Alice's registered phone, digest on every INVITE) calls Bob, whose
 * registered phone is a sipp UAS, at {@code bench.rate} calls/s for {@code bench.calls} calls (bounded); each call
 * is created in PostgreSQL with its events, anchored in rtpengine, answered, hung up. Then the same sipp UAC → UAS
 * directly, at the same rate, on the same machine. Prints both: setups/s, p50/p99 setup time (first INVITE → 200,
 * so ours includes the 407 round trip), failed calls, and the ratio. Run by {@code signaling/bench/sip.sh}.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "ucp.bench", matches = "true")
class SipCallBenchmark {

    @Inject
    SipDirectory directory;
    @Inject
    DeviceRegistry registry;

    @Test
    void callSetups() throws Exception {
        int calls = Integer.getInteger("bench.calls", 1000);
        int rate = Integer.getInteger("bench.rate", 100);
        int calleeCount = Integer.getInteger("bench.callees", 50);
        SipFixtures.Phone alice = SipFixtures.provision(directory);
        Sipp.run("register.xml", 15123, "-s", alice.username(), "-au", alice.username(), "-ap",
                alice.password(), "-key", "expires", "3600").assertPassed();
        // Bob's phones: one account each (a user on a call is busy for the next), all registered at the one UAS.
        StringBuilder injection = new StringBuilder("SEQUENTIAL\n");
        for (int i = 0; i < calleeCount; i++) {
            SipFixtures.Phone bob = SipFixtures.provision(directory);
            Sipp.run("register.xml", 15121, "-s", bob.username(), "-au", bob.username(), "-ap",
                    bob.password(), "-key", "expires", "3600").assertPassed();
            injection.append(bob.accountId()).append(";\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.devicesOf(bob.accountId())
                    .contains(bob.deviceId()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.devicesOf(alice.accountId())
                .contains(alice.deviceId()));
        Path callees = Files.createTempFile("callees", ".csv");
        Files.writeString(callees, injection);
        int edge = ConfigProvider.getConfig().getValue("ucp.signaling.sip.port", Integer.class);

        Result ours = run("ucp", calls, rate, 15121, 15123, edge, "-sf", "uac_auth.xml", "-inf", callees.toString(),
                "-key", "user", alice.username(), "-au", alice.username(), "-ap", alice.password());
        Result direct = run("direct", calls, rate, 15125, 15127, 15125, "-sn", "uac");
        System.out.println(String.format(Locale.ROOT,
                "BENCH sip calls=%d rate=%d: ucp setups_per_s=%.1f p50_ms=%.0f p99_ms=%.0f failed=%d; "
                        + "direct setups_per_s=%.1f p50_ms=%.0f p99_ms=%.0f failed=%d; ratio=%.2f",
                calls, rate, ours.perSecond(), ours.p50(), ours.p99(), ours.failed(), direct.perSecond(),
                direct.p50(), direct.p99(), direct.failed(), ours.perSecond() / direct.perSecond()));
    }

    private record Result(double perSecond, double p50, double p99, int failed) {
    }

    /** A UAS on {@code uasPort} and a UAC from {@code uacPort} to {@code target}; both bounded by {@code calls}. */
    private Result run(String name, int calls, int rate, int uasPort, int uacPort, int target, String... uac)
            throws Exception {
        Path dir = Files.createTempDirectory("sipp-bench-" + name);
        copy(dir, "uac_auth.xml");
        Process server = sipp(dir, "uas", List.of("-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(uasPort),
                "-m", Integer.toString(calls), "-nostdin", "-timeout", "120s"));
        List<String> client = new ArrayList<>(List.of(uac));
        client.addAll(List.of("127.0.0.1:" + target, "-i", "127.0.0.1", "-p", Integer.toString(uacPort), "-m",
                Integer.toString(calls), "-r", Integer.toString(rate), "-l", Integer.toString(rate * 2), "-nostdin",
                "-timeout", "120s", "-trace_rtt", "-rtt_freq", "1", "-trace_stat", "-fd", "1", "-trace_err"));
        long start = System.nanoTime();
        Process caller = sipp(dir, "uac", client);
        assertThat(caller.waitFor(150, TimeUnit.SECONDS)).as(name + " UAC finished").isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;
        server.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
        List<Double> times = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path rtt : files.filter(f -> f.getFileName().toString().endsWith("_rtt.csv")).toList()) {
                for (String line : Files.readAllLines(rtt)) {
                    String[] parts = line.split(";");
                    if (parts.length >= 2 && parts[1].matches("[0-9.]+")) {
                        times.add(Double.parseDouble(parts[1]));
                    }
                }
            }
        }
        times.sort(Double::compare);
        int failed = calls - times.size();
        assertThat(times).as(name + ": setup times (sipp exit " + caller.exitValue() + ", see " + dir + ")")
                .isNotEmpty();
        return new Result(times.size() / seconds, times.get(times.size() / 2),
                times.get(Math.min(times.size() - 1, (int) Math.ceil(times.size() * 0.99) - 1)), failed);
    }

    private static Process sipp(Path dir, String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sipp"));
        command.addAll(args);
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start();
    }

    private static void copy(Path dir, String scenario) throws IOException {
        try (var in = SipCallBenchmark.class.getResourceAsStream("/sip/sipp/" + scenario)) {
            Files.copy(in, dir.resolve(scenario));
        }
    }
}
