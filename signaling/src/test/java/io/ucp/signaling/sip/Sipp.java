package io.ucp.signaling.sip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;

/** Runs the {@code sipp} binary (Debian sip-tester) on a scenario from test resources, bounded by -m and -timeout. */
final class Sipp {

    private static final int TRANSCRIPT_CHARS = 6_000;

    private Sipp() {
    }

    /** A running sipp and the directory holding its output, message trace and error log. */
    record Run(Process process, Path dir) {

        void kill() {
            process.destroyForcibly();
        }
    }

    /**
     * How a sipp run ended; a failure names sipp's own explanation (its output, error log and the last messages it
     * traced), so a CI failure says which message was unexpected or missing.
     */
    record Outcome(String scenario, int exit, Path dir) {

        Outcome assertPassed() {
            if (exit != 0) {
                throw new AssertionError("sipp " + scenario + " failed (exit " + exit + ")\n" + transcript());
            }
            return this;
        }

        Outcome assertFailed() {
            if (exit == 0) {
                throw new AssertionError("sipp " + scenario + " passed but was expected to fail\n" + transcript());
            }
            return this;
        }

        String transcript() {
            StringBuilder out = new StringBuilder();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> !f.toString().endsWith(".xml")).sorted().toList()) {
                    String text = Files.readString(file);
                    String tail = text.length() > TRANSCRIPT_CHARS ? "…" + text.substring(text.length()
                            - TRANSCRIPT_CHARS) : text;
                    out.append("---- ").append(file.getFileName()).append('\n').append(tail).append('\n');
                }
            } catch (IOException e) {
                out.append("(sipp output unreadable: ").append(e).append(")");
            }
            return out.toString();
        }
    }

    /** Runs one call of {@code scenario} against signaling's SIP port from {@code localPort}. */
    static Outcome run(String scenario, int localPort, String... args) throws IOException, InterruptedException {
        return finish(start(scenario, localPort, args));
    }

    /** Starts sipp on a scenario file from test resources, or a built-in one ("-sn uas" as {@code scenario} "uas"). */
    static Run start(String scenario, int localPort, String... args) throws IOException {
        Path dir = Files.createTempDirectory("sipp");
        List<String> command = new ArrayList<>(List.of("sipp"));
        if (scenario.endsWith(".xml")) {
            Path file = dir.resolve(scenario);
            try (InputStream in = Sipp.class.getResourceAsStream("/sip/sipp/" + scenario)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            command.addAll(List.of("-sf", file.toString()));
        } else {
            command.addAll(List.of("-sn", scenario));
        }
        int port = ConfigProvider.getConfig().getValue("ucp.signaling.sip.port", Integer.class);
        command.addAll(List.of("127.0.0.1:" + port, "-i", "127.0.0.1", "-p", Integer.toString(localPort), "-m", "1",
                "-nostdin", "-timeout", "30s", "-trace_msg", "-trace_err"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
        return new Run(process, dir);
    }

    static Outcome finish(Run run) throws InterruptedException {
        String scenario = run.process().info().arguments().map(a -> String.join(" ", a)).orElse("");
        if (!run.process().waitFor(60, TimeUnit.SECONDS)) {
            run.kill();
            throw new AssertionError("sipp did not finish\n" + new Outcome(scenario, -1, run.dir()).transcript());
        }
        return new Outcome(scenario, run.process().exitValue(), run.dir());
    }
}
