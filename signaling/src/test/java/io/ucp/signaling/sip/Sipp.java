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
        Path dir = Files.createTempDirectory("sipp");
        Path file = dir.resolve(scenario);
        try (InputStream in = Sipp.class.getResourceAsStream("/sip/sipp/" + scenario)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        int port = ConfigProvider.getConfig().getValue("ucp.signaling.sip.port", Integer.class);
        List<String> command = new ArrayList<>(List.of("sipp", "-sf", file.toString(), "127.0.0.1:" + port,
                "-i", "127.0.0.1", "-p", Integer.toString(localPort), "-m", "1", "-nostdin", "-timeout", "20s",
                "-trace_msg", "-trace_err"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.out").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sipp did not finish");
        }
        return process.exitValue();
    }
}
