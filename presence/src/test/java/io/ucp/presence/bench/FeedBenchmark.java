package io.ucp.presence.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucp.presence.platform.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Feed benchmark, loopback only and bounded: starts the packaged presence service (test profile: test database,
 * Redis db 1, *.test topics), then measures
 * <ol>
 * <li>concurrent feed connections held by the one instance and its RSS per connection,</li>
 * <li>presence deliveries per second and publish-to-deliver p50/p99 with W watchers per user (open loop: each
 * change is stamped with its scheduled time, carried in the status text),</li>
 * <li>messages per second end to end (REST send to the other participant's feed) with p50/p99.</li>
 * </ol>
 * Usage (after {@code mvn -pl presence -DskipTests package}): see presence/README.md.
 */
public final class FeedBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, String> options;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private HttpClient http;
    private int port;
    private Process server;

    private FeedBenchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        FeedBenchmark bench = new FeedBenchmark(options);
        try {
            bench.run();
        } finally {
            bench.stop();
        }
    }

    private int opt(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        int connections = opt("connections", 10_000);
        int publishers = opt("publishers", 50);
        int watchers = opt("watchers", 20);
        int presenceRate = opt("presence-rate", 100);
        int messageRate = opt("message-rate", 100);
        int seconds = opt("seconds", 15);
        int conversations = opt("conversations", 100);
        if (connections > 9_000 * 2 || publishers * (watchers + 1) > connections || conversations * 2 > connections) {
            throw new IllegalArgumentException("connections must be <= 18000 and cover publishers*(watchers+1) "
                    + "and 2*conversations");
        }
        startServer();
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(64));

        List<UUID> users = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            UUID id = UUID.randomUUID();
            users.add(id);
            tokens.add(TestTokens.user(id));
        }
        // Subscriptions: publisher p is watched by W distinct other users.
        log("setting up %d subscriptions and %d conversations", publishers * watchers, conversations);
        List<Supplier<Future<?>>> setup = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            for (int w = 0; w < watchers; w++) {
                int watcher = publishers + p * watchers + w;
                int target = p;
                setup.add(() -> request(HttpMethod.POST, "/v1/presence/subscriptions", tokens.get(watcher),
                        new JsonObject().put("targetAccountId", users.get(target).toString()))
                        .compose(sub -> request(HttpMethod.POST, "/v1/presence/subscriptions/" + sub.getString("id")
                                + "/approve", tokens.get(target), null)));
            }
        }
        String[] conversationIds = new String[conversations];
        for (int c = 0; c < conversations; c++) {
            int index = c;
            int a = connections - 1 - c;
            int b = connections - 1 - conversations - c;
            setup.add(() -> request(HttpMethod.POST, "/v1/conversations", tokens.get(a), new JsonObject()
                    .put("kind", "direct").put("participantIds", List.of(users.get(b).toString())))
                    .onSuccess(conv -> conversationIds[index] = conv.getString("id")));
        }
        runBounded(setup, 32);

        gc();
        long rssBefore = rss();
        long heapBefore = heapUsed();
        long cpuBefore = serverCpuMillis();
        log("opening %d feed connections (server RSS before %d MB)", connections, rssBefore >> 20);
        Map<UUID, WebSocket> sockets = new java.util.concurrent.ConcurrentHashMap<>();
        ConcurrentLinkedQueue<long[]> presenceLatencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<long[]> messageLatencies = new ConcurrentLinkedQueue<>();
        AtomicInteger snapshots = new AtomicInteger();
        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(connections)
                .setConnectTimeout(30_000));
        long openStart = System.nanoTime();
        List<Supplier<Future<?>>> opens = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            UUID me = users.get(i);
            String token = tokens.get(i);
            opens.add(() -> ws.connect(port, "127.0.0.1", "/v1/feed?access_token=" + token).onSuccess(socket -> {
                sockets.put(me, socket);
                socket.textMessageHandler(text -> onFrame(me, text, snapshots, presenceLatencies, messageLatencies));
            }));
        }
        runBounded(opens, 128);
        waitUntil(() -> snapshots.get() >= connections, Duration.ofSeconds(120));
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        // Let the connect-time presence events drain before measuring.
        TimeUnit.SECONDS.sleep(5);
        gc();
        long rssAfter = rss();
        long heapAfter = heapUsed();
        long cpuOpen = serverCpuMillis() - cpuBefore;
        log("connections held: %d; server RSS %d MB -> %d MB: %.1f KB per connection; opened in %.1f s "
                + "(server CPU %d ms)", sockets.size(), rssBefore >> 20, rssAfter >> 20,
                (rssAfter - rssBefore) / 1024.0 / sockets.size(), openSeconds, cpuOpen);
        log("server heap used after GC %d MB -> %d MB: %.1f KB per connection", heapBefore >> 20, heapAfter >> 20,
                (heapAfter - heapBefore) / 1024.0 / sockets.size());

        // Presence: open loop, each change stamped with its scheduled time (µs since epoch) in the status text.
        int changes = presenceRate * seconds;
        long serverCpu = serverCpuMillis();
        long benchCpu = benchCpuMillis();
        log("presence: %d changes at %d/s, %d watchers each", changes, presenceRate, watchers);
        openLoop(changes, presenceRate, i -> {
            int p = i % publishers;
            long stamp = nowMicros();
            return request(HttpMethod.PUT, "/v1/presence/me", tokens.get(p), new JsonObject()
                    .put("state", (i / publishers) % 2 == 0 ? "busy" : "available").put("statusText", "b:" + stamp));
        });
        long expected = (long) changes * watchers;
        waitUntil(() -> presenceLatencies.size() >= expected, Duration.ofSeconds(30));
        report("presence deliveries", presenceLatencies, expected, serverCpuMillis() - serverCpu,
                benchCpuMillis() - benchCpu);

        // Messages: REST send, measured at the other participant's feed.
        int messages = messageRate * seconds;
        serverCpu = serverCpuMillis();
        benchCpu = benchCpuMillis();
        log("messages: %d at %d/s over %d conversations", messages, messageRate, conversations);
        openLoop(messages, messageRate, i -> {
            int c = i % conversations;
            return request(HttpMethod.POST, "/v1/conversations/" + conversationIds[c] + "/messages",
                    tokens.get(connections - 1 - c), new JsonObject().put("body", "b:" + nowMicros()));
        });
        waitUntil(() -> messageLatencies.size() >= messages, Duration.ofSeconds(30));
        report("messages end to end", messageLatencies, messages, serverCpuMillis() - serverCpu,
                benchCpuMillis() - benchCpu);
        sockets.values().forEach(WebSocket::close);
    }

    private void onFrame(UUID me, String text, AtomicInteger snapshots, ConcurrentLinkedQueue<long[]> presence,
            ConcurrentLinkedQueue<long[]> messages) {
        long now = nowMicros();
        if (text.contains("\"type\":\"snapshot\"")) {
            snapshots.incrementAndGet();
            return;
        }
        boolean isPresence = text.contains("\"type\":\"presence\"");
        boolean isMessage = text.contains("\"type\":\"message.created\"");
        if (!isPresence && !isMessage) {
            return;
        }
        try {
            JsonNode data = MAPPER.readTree(text).path("data");
            if (isPresence && !data.path("accountId").asText().equals(me.toString())
                    && data.path("statusText").asText("").startsWith("b:")) {
                presence.add(new long[] {now - Long.parseLong(data.path("statusText").asText().substring(2)), now});
            } else if (isMessage && !data.path("senderAccountId").asText().equals(me.toString())) {
                messages.add(new long[] {now - Long.parseLong(data.path("body").asText().substring(2)), now});
            }
        } catch (Exception e) {
            // Not a benchmark frame.
        }
    }

    private void report(String what, ConcurrentLinkedQueue<long[]> samples, long expected, long serverCpu,
            long benchCpu) {
        long[][] all = samples.toArray(long[][]::new);
        long[] latencies = Arrays.stream(all).mapToLong(s -> s[0]).sorted().toArray();
        long first = Arrays.stream(all).mapToLong(s -> s[1] - s[0]).min().orElse(0);
        long last = Arrays.stream(all).mapToLong(s -> s[1]).max().orElse(0);
        double seconds = Math.max(1, last - first) / 1e6;
        log("%s: %d of %d delivered, %.0f/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms (server CPU %d ms, "
                + "benchmark CPU %d ms)", what, latencies.length, expected, latencies.length / seconds,
                percentile(latencies, 50), percentile(latencies, 99),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1000.0, serverCpu, benchCpu);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)] / 1000.0;
    }

    /** Fires request i at start + i/rate, whatever earlier ones are doing (no coordinated omission). */
    private void openLoop(int count, int rate, java.util.function.IntFunction<Future<?>> fire) throws Exception {
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int index = i;
            vertx.runOnContext(v -> fire.apply(index).onComplete(r -> done.countDown()));
        }
        done.await(60, TimeUnit.SECONDS);
    }

    private void runBounded(List<Supplier<Future<?>>> tasks, int concurrency) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(tasks.size());
        AtomicLong failures = new AtomicLong();
        for (Supplier<Future<?>> task : tasks) {
            permits.acquire();
            vertx.runOnContext(v -> task.get().onComplete(r -> {
                if (r.failed()) {
                    failures.incrementAndGet();
                }
                permits.release();
                done.countDown();
            }));
        }
        done.await(300, TimeUnit.SECONDS);
        if (failures.get() > 0) {
            log("%d of %d setup steps failed", failures.get(), tasks.size());
        }
    }

    private Future<JsonObject> request(HttpMethod method, String path, String token, JsonObject body) {
        return http.request(new RequestOptions().setMethod(method).setURI(path)
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json"))
                .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body.encode())))
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() >= 300) {
                        throw new IllegalStateException(method + " " + path + " -> " + resp.statusCode() + " " + b);
                    }
                    return b.length() == 0 ? new JsonObject() : b.toJsonObject();
                }));
    }

    private void startServer() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int managementPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            managementPort = socket.getLocalPort();
        }
        String base = options.getOrDefault("module", "presence");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx1g", "-XX:+UseG1GC",
                // Give memory back after a collection, so RSS tracks what the connections really hold.
                "-XX:MinHeapFreeRatio=5", "-XX:MaxHeapFreeRatio=15", "-Dquarkus.profile=test",
                "-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.flyway.clean-at-start=false", "-Dquarkus.log.level=WARN", "-Ducp.redis.prefix=ucp:presence-bench:", "-Ducp.presence.device-ttl=60s", "-Ducp.presence.offline-grace=30s",
                "-Ducp.feed.housekeeping-interval=20s",
                "-Dmp.jwt.verify.publickey.location=" + new File(base + "/src/test/resources/test-keys/jwt-public.pem")
                        .getAbsoluteFile().toURI(),
                "-jar", base + "/target/quarkus-app/quarkus-run.jar");
        server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File(base + "/target/benchmark-server.log")).start();
        HttpClient probe = vertx.createHttpClient();
        waitUntil(() -> {
            try {
                return probe.request(HttpMethod.GET, managementPort, "127.0.0.1", "/q/health/ready")
                        .compose(r -> r.send()).map(r -> r.statusCode() == 200)
                        .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(120));
        log("server pid %d on port %d", server.pid(), port);
    }

    private void stop() {
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(60, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            } catch (InterruptedException e) {
                server.destroyForcibly();
            }
        }
        vertx.close();
    }

    private void gc() throws Exception {
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(server.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        TimeUnit.SECONDS.sleep(1);
    }

    private long heapUsed() throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(server.pid()), "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(30, TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : 0;
    }

    private long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }

    private long serverCpuMillis() throws Exception {
        String[] stat = Files.readString(Path.of("/proc/" + server.pid() + "/stat")).split("\\) ", 2)[1].split(" ");
        long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
        return ticks * 10;
    }

    private static long benchCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[bench] " + format + "%n", args);
    }
}
