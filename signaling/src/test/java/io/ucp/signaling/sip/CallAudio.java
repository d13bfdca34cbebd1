package io.ucp.signaling.sip;

import static org.awaitility.Awaitility.await;

import io.ucp.signaling.media.MediaRelay;
import io.ucp.signaling.media.MediaRelayException;
import io.ucp.signaling.media.MediaStats;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** What the voice tests check about a call's media: rtpengine's counters, and what a baresip phone heard (sox). */
final class CallAudio {

    private CallAudio() {
    }

    /** Waits until rtpengine counts more than 20 RTP packets from each of the call's two sides. */
    static void awaitMediaBothWays(MediaRelay relay, String callId) {
        AtomicReference<MediaStats> seen = new AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                MediaStats stats = relay.query(callId).await().atMost(Duration.ofSeconds(5));
                seen.set(stats);
                return stats.sides().size() == 2 && stats.sides().stream().allMatch(s -> s.rtpPackets() > 20);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("both sides should send through rtpengine: " + seen.get(), e);
        }
    }

    /**
     * Waits until rtpengine's packet counts from both sides change (sending {@code true}) or stay put (sending
     * {@code false}) between two looks 600 ms apart: what a phone's media direction does, seen from the relay.
     */
    static void awaitBothSides(MediaRelay relay, String callId, boolean sending) {
        AtomicReference<MediaStats> previous = new AtomicReference<>();
        AtomicReference<String> seen = new AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(600)).until(() -> {
                MediaStats now = relay.query(callId).await().atMost(Duration.ofSeconds(5));
                MediaStats before = previous.getAndSet(now);
                seen.set(before + " -> " + now);
                if (before == null || now.sides().size() != 2) {
                    return false;
                }
                return now.sides().stream().allMatch(side -> {
                    MediaStats.Side earlier = before.side(side.tag());
                    return earlier != null && (side.rtpPackets() > earlier.rtpPackets()) == sending;
                });
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("both sides should " + (sending ? "" : "stop to ") + "send: " + seen.get(), e);
        }
    }

    /** Waits until rtpengine no longer knows the call (its media was released). */
    static void awaitReleased(MediaRelay relay, String callId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.query(callId).map(s -> false)
                .onFailure(MediaRelayException.class).recoverWithItem(true).await().atMost(Duration.ofSeconds(5)));
    }

    /** The WAV of what the phone received in its (first) call; closing the call finishes the file. */
    static Path received(Baresip phone) throws Exception {
        // sndfile writes dump-<date>-dec.wav (received) and -enc.wav (sent) per call.
        await().atMost(Duration.ofSeconds(10)).until(() -> decoded(phone) != null);
        return decoded(phone);
    }

    private static Path decoded(Baresip phone) throws Exception {
        try (Stream<Path> files = Files.list(phone.dir.resolve("rec"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-dec.wav")).findFirst().orElse(null);
        }
    }

    /** sox's RMS amplitude of a WAV's first channel (0 = silence, 1 = full scale). */
    static double rms(Path wav) throws Exception {
        return soxStat(wav, "RMS     amplitude:");
    }

    /** sox's rough frequency of a WAV's first channel, in Hz. */
    static double frequency(Path wav) throws Exception {
        return frequency(wav, 1);
    }

    /** sox's rough frequency of one channel (1-based) of a WAV, in Hz. */
    static double frequency(Path wav, int channel) throws Exception {
        return soxStat(wav, channel, "Rough   frequency:");
    }

    private static double soxStat(Path wav, String label) throws Exception {
        return soxStat(wav, 1, label);
    }

    private static double soxStat(Path wav, int channel, String label) throws Exception {
        Process sox = new ProcessBuilder("sox", wav.toString(), "-n", "remix", Integer.toString(channel), "stat")
                .redirectErrorStream(true).start();
        String out = new String(sox.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        sox.waitFor();
        for (String line : out.split("\n")) {
            if (line.startsWith(label)) {
                return Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("sox gave no '" + label + "': " + out);
    }

    static String resource(String name) throws Exception {
        try (InputStream in = CallAudio.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
