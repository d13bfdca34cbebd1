package io.ucp.identity.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load generator for a running identity (not run by the test suite; see identity/README.md and
 * identity/bench/run.sh). Three phases, each bounded in time: logins, refresh-token rotations, authenticated
 * GET /v1/profiles/me. Prints throughput and p50/p99 per phase, and this process's own CPU time (it shares the
 * machine with the service under test).
 *
 * <p>Arguments: base URL (default http://127.0.0.1:8081), seconds per phase (default 15), concurrency (default 16).
 */
public final class IdentityBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PASSWORD = "Bench-Password-" + UUID.randomUUID();

    private final String base;
    private final Duration phase;
    private final int concurrency;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private IdentityBenchmark(String base, Duration phase, int concurrency) {
        this.base = base;
        this.phase = phase;
        this.concurrency = concurrency;
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8081";
        if (!URI.create(base).getHost().equals("127.0.0.1")) {
            throw new IllegalArgumentException("The benchmark only targets 127.0.0.1");
        }
        int seconds = Math.min(args.length > 1 ? Integer.parseInt(args[1]) : 15, 120);
        int concurrency = Math.min(args.length > 2 ? Integer.parseInt(args[2]) : 16, 128);
        new IdentityBenchmark(base, Duration.ofSeconds(seconds), concurrency).run();
    }

    /** One worker's credentials: its own account and session. */
    private static final class Worker {
        final String email;
        String accessToken;
        String refreshToken;

        Worker(String email) {
            this.email = email;
        }
    }

    private void run() throws Exception {
        System.out.printf("identity benchmark: %s, %d s per phase, %d concurrent clients%n", base, phase.toSeconds(),
                concurrency);
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker("bench-" + UUID.randomUUID() + "@bench.test");
            check(post("/v1/accounts", "{\"email\":\"" + w.email + "\",\"password\":\"" + PASSWORD + "\"}", null), 201);
            workers.add(w);
        }
        long cpuBefore = cpuNanos();
        phase("logins", workers, w -> {
            HttpResponse<String> r = post("/v1/auth/login",
                    "{\"email\":\"" + w.email + "\",\"password\":\"" + PASSWORD + "\"}", null);
            if (r.statusCode() == 200) {
                JsonNode body = MAPPER.readTree(r.body());
                w.accessToken = body.path("accessToken").asText();
                w.refreshToken = body.path("refreshToken").asText();
            }
            return r.statusCode() == 200;
        });
        phase("refreshes", workers, w -> {
            HttpResponse<String> r = post("/v1/auth/refresh", "{\"refreshToken\":\"" + w.refreshToken + "\"}", null);
            if (r.statusCode() == 200) {
                JsonNode body = MAPPER.readTree(r.body());
                w.accessToken = body.path("accessToken").asText();
                w.refreshToken = body.path("refreshToken").asText();
            }
            return r.statusCode() == 200;
        });
        phase("GET /v1/profiles/me", workers, w -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/profiles/me"))
                    .header("Authorization", "Bearer " + w.accessToken).timeout(Duration.ofSeconds(10)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        });
        System.out.printf("load generator CPU: %.1f s over the three phases%n", (cpuNanos() - cpuBefore) / 1e9);
    }

    interface Call {
        boolean run(Worker worker) throws Exception;
    }

    private void phase(String name, List<Worker> workers, Call call) throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long deadline = System.nanoTime() + phase.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(workers.size());
        long started = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Worker w : workers) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        long t0 = System.nanoTime();
                        boolean success;
                        try {
                            success = call.run(w);
                        } catch (Exception e) {
                            success = false;
                        }
                        recorder.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                        (success ? ok : failed).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf("%-22s %9.1f req/s  p50 %8.2f ms  p99 %8.2f ms  (ok %d, failed %d, %.1f s)%n", name,
                ok.get() / seconds, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, ok.get(),
                failed.get(), seconds);
    }

    private HttpResponse<String> post(String path, String json, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("Setup failed: " + response.statusCode() + " " + response.body());
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
