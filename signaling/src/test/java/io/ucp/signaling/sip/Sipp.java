package io.ucp.signaling.sip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/** Runs the {@code sipp} binary (Debian sip-tester) on a scenario from test resources, bounded by -m and -timeout. */
final class Sipp {

    private Sipp() {
    }

    /** Runs one call of {@code scenario} against signaling's SIP port from {@code localPort}; returns sipp's exit code. */
    static int run(String scenario, int localPort, String... args) throws IOException, InterruptedException {
        return finish(start(scenario, localPort, args));
    }

    /** Starts sipp on a scenario file from test resources, or a built-in one ("-sn uas" as {@code scenario} "uas"). */
    static Process start(String scenario, int localPort, String... args) throws IOException {
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
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
    }

    static int finish(Process process) throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sipp did not finish");
        }
        return process.exitValue();
    }
}
