package io.ucp.signaling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.device.DeviceClient;
import io.ucp.signaling.platform.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Call-lifecycle benchmark (run on demand, see signaling/README.md): full lifecycles originate → ringing → answer →
 * hang up, each step a real HTTP request persisted with its events, between pairs of devices connected to the
 * device channel. Prints lifecycles/s and p50/p99 per request. Bounded: {@code bench.calls} lifecycles in total.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "ucp.bench", matches = "true")
class CallBenchmark {

    private static final Pattern CALL_ID = Pattern.compile("\"callId\":\"([0-9a-f-]{36})\"");

    @TestHTTPResource("/v1/devices/channel")
    URI channel;
    @TestHTTPResource("/v1/calls")
    URI calls;

    @Test
    void lifecycles() throws Exception {
        int total = Integer.getInteger("bench.calls", 3000);
        int concurrency = Integer.getInteger("bench.concurrency", 16);
        // HTTP/1.1 keep-alive, as most API clients talk to a service behind an ingress (no cleartext h2c upgrade).
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        List<DeviceClient> devices = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            UUID caller = UUID.randomUUID();
            UUID callee = UUID.randomUUID();
            DeviceClient callerDevice = DeviceClient.connect(channel, caller, UUID.randomUUID(), TestTokens.user(caller));
            DeviceClient calleeDevice = DeviceClient.connect(channel, callee, UUID.randomUUID(), TestTokens.user(callee));
            devices.add(callerDevice);
            devices.add(calleeDevice);
            pairs.add(new Pair(TestTokens.user(caller), callerDevice.deviceId, callee, TestTokens.user(callee)));
        }
        // Warm-up, not measured: on 2 cores the JIT's compiler threads take most of the CPU for the first few
        // thousand requests, which would otherwise be measured as the service's cost.
        run(http, pairs, Integer.getInteger("bench.warmup", Math.min(total, 3000)), null);
        long[] latencies = new long[total * 3];
        AtomicInteger slot = new AtomicInteger();
        long start = System.nanoTime();
        run(http, pairs, total, (nanos) -> latencies[slot.getAndIncrement()] = nanos);
        double seconds = (System.nanoTime() - start) / 1e9;
        devices.forEach(DeviceClient::close);

        long[] measured = Arrays.copyOf(latencies, slot.get());
        Arrays.sort(measured);
        String report = String.format(Locale.ROOT,
                "BENCH lifecycles=%d concurrency=%d seconds=%.2f lifecycles_per_s=%.1f requests_per_s=%.1f "
                        + "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f",
                total, concurrency, seconds, total / seconds, measured.length / seconds, pct(measured, 50),
                pct(measured, 90), pct(measured, 99), measured[measured.length - 1] / 1e6);
        System.out.println(report);
        assertThat(measured).hasSize(total * 3);
    }

    private record Pair(String callerToken, UUID callerDevice, UUID callee, String calleeToken) {
    }

    private void run(HttpClient http, List<Pair> pairs, int lifecycles, java.util.function.LongConsumer sink)
            throws Exception {
        AtomicInteger left = new AtomicInteger(lifecycles);
        ExecutorService workers = Executors.newFixedThreadPool(pairs.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Pair pair : pairs) {
                running.add(workers.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        String created = post(http, calls, pair.callerToken(), "{\"deviceId\":\"" + pair.callerDevice()
                                + "\",\"toAccountId\":\"" + pair.callee() + "\"}", 201, sink);
                        Matcher m = CALL_ID.matcher(created);
                        if (!m.find() || !created.contains("\"state\":\"ringing\"")) {
                            throw new IllegalStateException("Not ringing: " + created);
                        }
                        URI call = URI.create(calls + "/" + m.group(1));
                        post(http, URI.create(call + "/answer"), pair.calleeToken(), "{}", 200, sink);
                        post(http, URI.create(call + "/hangup"), pair.callerToken(), "{}", 200, sink);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    private static String post(HttpClient http, URI uri, String token, String body, int expected,
            java.util.function.LongConsumer sink) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - t0;
        if (response.statusCode() != expected) {
            throw new IllegalStateException(uri + " -> " + response.statusCode() + " " + response.body());
        }
        if (sink != null) {
            sink.accept(took);
        }
        return response.body();
    }

    private static double pct(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
