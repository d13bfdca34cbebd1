package io.ucp.signaling.device;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, in a network namespace of its own whose only interface is loopback (so WebRTC can
 * only pair 127.0.0.1 candidates and nothing can leave the machine), reaching the service under test and being
 * driven over the DevTools protocol through {@link LoopbackBridge}. Fake microphone, no permission prompts, loopback
 * allowed for WebRTC. The binary comes from {@code UCP_CHROMIUM} ({@code deploy/local/ucp test} installs the package
 * and sets it) or /usr/bin/chromium; the namespace comes from util-linux's {@code unshare} (a user namespace, so no
 * root is needed).
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** DevTools inside the browser's namespace (its own loopback: no collision with anything outside). */
    private static final int INNER_DEVTOOLS_PORT = 9222;

    private final Process process;
    private final Path dir;
    private final List<ServerSocketChannel> bridges;
    private final int devtools;

    private HeadlessChromium(Process process, Path dir, List<ServerSocketChannel> bridges, int devtools) {
        this.process = process;
        this.dir = dir;
        this.bridges = bridges;
        this.devtools = devtools;
    }

    /** Starts the browser; inside its namespace, 127.0.0.1:{@code servicePort} is the service under test. */
    public static HeadlessChromium start(int servicePort) throws IOException {
        return start(servicePort, 0, -1);
    }

    /**
     * Starts the browser with, besides the service, UDP ports {@code udpFirst..udpLast} of 127.0.0.1 reachable from
     * inside its namespace (the media relay's RTP range, for calls whose media is anchored in rtpengine).
     */
    public static HeadlessChromium start(int servicePort, int udpFirst, int udpLast) throws IOException {
        String binary = System.getenv().getOrDefault("UCP_CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException("Chromium not found at " + binary
                    + ": run the suite with deploy/local/ucp test, which installs Debian's chromium package");
        }
        Path dir = Files.createTempDirectory("ucp-chromium");
        Path service = dir.resolve("service.sock");
        Path inspector = dir.resolve("devtools.sock");
        List<ServerSocketChannel> bridges = new ArrayList<>();
        bridges.add(LoopbackBridge.unixToTcp(service, servicePort));
        ServerSocketChannel devtoolsBridge = LoopbackBridge.tcpToUnix(0, inspector);
        bridges.add(devtoolsBridge);
        Path udp = dir.resolve("udp.sock");
        String udpBridge = "";
        if (udpLast >= udpFirst) {
            bridges.add(LoopbackBridge.unixToUdp(udp));
            udpBridge = " " + quote("udp:" + udpFirst + "-" + udpLast + "=" + udp);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(LoopbackBridge.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toString();
        String browser = String.join(" ", List.of(quote(binary), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--no-pings",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=" + INNER_DEVTOOLS_PORT, quote("--user-data-dir=" + dir.resolve("profile")),
                "about:blank"));
        String inside = "ip link set lo up && { " + quote(java) + " -Xmx32m -XX:TieredStopAtLevel=1 -cp "
                + quote(classes) + " " + LoopbackBridge.class.getName() + " " + quote("tcp:" + servicePort + "="
                + service) + " " + quote("unix:" + inspector + "=" + INNER_DEVTOOLS_PORT) + udpBridge + " & } && exec " + browser;
        Process process = new ProcessBuilder("unshare", "--map-root-user", "--net", "sh", "-c", inside)
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        int devtools = ((java.net.InetSocketAddress) devtoolsBridge.getLocalAddress()).getPort();
        HeadlessChromium chromium = new HeadlessChromium(process, dir, bridges, devtools);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + devtools
                            + "/json/version")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        } catch (RuntimeException e) {
            String log = Files.readString(dir.resolve("chromium.log"));
            chromium.close();
            throw new IllegalStateException("Chromium did not start: " + log, e);
        }
        return chromium;
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * A new tab at {@code url}, once loaded. The page ignores the service's Content-Security-Policy (its API
     * answers forbid everything, a real client's page comes from its own origin): the test only borrows the origin.
     */
    public Page open(String url) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + devtools
                + "/json/new?" + URLEncoder.encode("about:blank", StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        // The browser names its own (inner) DevTools port; the test reaches it through the bridge.
        String debugger = MAPPER.readTree(created.body()).path("webSocketDebuggerUrl").asText()
                .replace(":" + INNER_DEVTOOLS_PORT + "/", ":" + devtools + "/");
        Page page = new Page(URI.create(debugger));
        page.send("Page.setBypassCSP", Map.of("enabled", true));
        page.send("Page.navigate", Map.of("url", url));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> "complete".equals(page.evaluate("document.readyState"))
                        && url.equals(page.evaluate("location.href")));
        return page;
    }

    @Override
    public void close() throws IOException {
        // The browser and the bridge process inside the namespace: every descendant, then the namespace's root.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ServerSocketChannel bridge : bridges) {
            bridge.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One tab, with Runtime.evaluate. */
    public static final class Page implements AutoCloseable {

        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

        private Page(URI debugger) throws Exception {
            socket = HTTP.newWebSocketBuilder().buildAsync(debugger, new JsonMessages(message -> {
                CompletableFuture<JsonNode> reply = replies.remove(message.path("id").asInt(-1));
                if (reply != null) {
                    reply.complete(message);
                }
            })).get(10, TimeUnit.SECONDS);
        }

        /** Evaluates JavaScript in the page (awaiting a returned promise) and returns its value as text. */
        public String evaluate(String expression) throws Exception {
            JsonNode result = send("Runtime.evaluate",
                    Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
            if (result.has("exceptionDetails")) {
                throw new IllegalStateException("JavaScript failed: "
                        + result.path("exceptionDetails").path("exception").path("description").asText(
                                result.path("exceptionDetails").path("text").asText()));
            }
            return result.path("result").path("value").asText();
        }

        /** One DevTools command; its {@code result}. */
        JsonNode send(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            replies.put(id, reply);
            socket.sendText(MAPPER.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                    .get(10, TimeUnit.SECONDS);
            return reply.get(30, TimeUnit.SECONDS).path("result");
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
