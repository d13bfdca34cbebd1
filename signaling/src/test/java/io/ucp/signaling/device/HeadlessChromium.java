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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol on loopback: fake microphone, no permission
 * prompts, loopback allowed for WebRTC, and everything that would phone home switched off. The binary comes from
 * {@code UCP_CHROMIUM} ({@code deploy/local/ucp test} installs the package and sets it) or /usr/bin/chromium.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path profile;
    private final int port;

    private HeadlessChromium(Process process, Path profile, int port) {
        this.process = process;
        this.profile = profile;
        this.port = port;
    }

    public static HeadlessChromium start() throws IOException {
        String binary = System.getenv().getOrDefault("UCP_CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException("Chromium not found at " + binary
                    + ": run the suite with deploy/local/ucp test, which installs Debian's chromium package");
        }
        Path profile = Files.createTempDirectory("ucp-chromium");
        List<String> command = List.of(binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                "--disable-extensions", "--metrics-recording-only", "--no-pings",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path activePort = profile.resolve("DevToolsActivePort");
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(activePort) && !Files.readString(activePort).isBlank());
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")), e);
        }
        int port = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
        return new HeadlessChromium(process, profile, port);
    }

    /** A new tab at {@code url}, once loaded. */
    public Page open(String url) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/json/new?" + URLEncoder.encode(url, StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String debugger = MAPPER.readTree(created.body()).path("webSocketDebuggerUrl").asText();
        Page page = new Page(URI.create(debugger));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> "complete".equals(page.evaluate("document.readyState")));
        return page;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One tab, with Runtime.evaluate. */
    public static final class Page implements AutoCloseable {

        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

        private Page(URI debugger) throws Exception {
            socket = HTTP.newWebSocketBuilder().buildAsync(debugger, new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        try {
                            JsonNode message = MAPPER.readTree(partial.toString());
                            CompletableFuture<JsonNode> reply = replies.remove(message.path("id").asInt(-1));
                            if (reply != null) {
                                reply.complete(message);
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        partial.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
        }

        /** Evaluates JavaScript in the page (awaiting a returned promise) and returns its value as text. */
        public String evaluate(String expression) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            replies.put(id, reply);
            socket.sendText(MAPPER.writeValueAsString(Map.of("id", id, "method", "Runtime.evaluate",
                    "params", Map.of("expression", expression, "awaitPromise", true, "returnByValue", true))), true)
                    .get(10, TimeUnit.SECONDS);
            JsonNode result = reply.get(30, TimeUnit.SECONDS).path("result");
            if (result.has("exceptionDetails")) {
                throw new IllegalStateException("JavaScript failed: "
                        + result.path("exceptionDetails").path("exception").path("description").asText(
                                result.path("exceptionDetails").path("text").asText()));
            }
            return result.path("result").path("value").asText();
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
