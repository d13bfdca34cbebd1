package io.ucp.signaling.platform;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service started as separate processes (failsafe ITs: crashes, several instances), in the test
 * profile against the shared test database, with the {@code ucp.it.*} system properties from the pom.
 */
public final class PackagedInstances {

    private static final java.util.Map<Integer, Integer> MANAGEMENT_PORTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final List<Process> processes = new ArrayList<>();

    /**
     * Starts one instance on {@code port}, logging to {@code <name>.log} in target/. Only the first instance of a
     * test cleans the database; {@code properties} are extra {@code -D} settings ("key=value").
     */
    public Process start(int port, String name, boolean cleanDatabase, String... properties) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.profile=test", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort(port),
                "-Dquarkus.flyway.clean-at-start=" + cleanDatabase,
                // No SIP listener unless a test asks for one (with its own port): instances would share one.
                "-Ducp.signaling.sip.enabled=false",
                "-Dmp.jwt.verify.publickey.location=" + new File(System.getProperty("ucp.it.public-key")).toURI()));
        for (String property : properties) {
            command.add("-D" + property);
        }
        command.addAll(List.of("-jar", System.getProperty("ucp.it.app")));
        File log = new File(System.getProperty("ucp.it.logs"), name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        processes.add(process);
        return process;
    }

    /** Stops every instance started here (SIGTERM, then SIGKILL after a minute). */
    public void stopAll() throws InterruptedException {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        processes.clear();
    }

    public static void awaitReady(int port) {
        int management = managementPort(port);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> given().port(management).get("/q/health/ready").statusCode() == 200);
    }

    /** Each instance's management interface (health, metrics) gets a free port of its own, fixed per HTTP port. */
    public static int managementPort(int port) {
        return MANAGEMENT_PORTS.computeIfAbsent(port, p -> {
            try {
                return freePort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
