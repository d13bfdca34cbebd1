package io.ucp.signaling.media;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Server-side recording of calls whose media is anchored in rtpengine. rtpengine writes the call's RTP to
 * {@code <dir>/pcaps/<call-id>-<hex>.pcap} (pcap method); when the recording stops (or the call's media is deleted)
 * the file is closed and its metadata file appears under {@code <dir>/metadata/}. {@link #stop} then converts the
 * pcap(s) into a WAV (see {@link PcapAudio}: stereo, one channel per direction) on a worker thread, uploads it to
 * the object key the recording entry names, and removes the local files.
 */
@ApplicationScoped
public class ServerRecordings {

    public static final String CONTENT_TYPE = "audio/wav";

    private final RtpEngineRelay relay;
    private final MediaConfig config;
    private final Vertx vertx;
    private final S3AsyncClient s3;
    private final String bucket;

    public ServerRecordings(RtpEngineRelay relay, MediaConfig config, Vertx vertx, S3AsyncClient s3,
            @ConfigProperty(name = "ucp.s3.recordings-bucket") String bucket) {
        this.relay = relay;
        this.config = config;
        this.vertx = vertx;
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** A recording stored in the bucket. */
    public record Stored(String objectKey, long sizeBytes, long durationMillis, String contentType) {
    }

    /**
     * True when this call can be recorded here: media enabled, a recording directory configured, and rtpengine holds
     * the call's media (the SIP edge anchored it). rtpengine unreachable counts as not anchored (logged): a call
     * between browsers does not depend on it, and an anchored call has no media then anyway.
     */
    public Uni<Boolean> available(UUID callId) {
        if (!config.enabled() || config.recording().dir().isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return relay.query(callId.toString()).replaceWith(true).onFailure(MediaRelayException.class)
                .recoverWithItem(e -> {
                    if (!notFound(e)) {
                        Log.warnf("Media relay not reachable, call %s recorded by its clients: %s", callId,
                                e.getMessage());
                    }
                    return false;
                });
    }

    /** rtpengine starts writing the call's pcap. */
    public Uni<Void> start(UUID callId) {
        return relay.startRecording(callId.toString());
    }

    /**
     * Stops rtpengine's recording (a call whose media is already deleted has its files closed anyway), then converts
     * and uploads what was recorded to {@code objectKey}.
     */
    public Uni<Stored> stop(UUID callId, String objectKey) {
        return relay.stopRecording(callId.toString()).onFailure(ServerRecordings::notFound).recoverWithNull()
                .chain(() -> collect(callId, objectKey));
    }

    /** Converts and uploads the call's closed pcap(s); fails with IOException when none is there in time. */
    public Uni<Stored> collect(UUID callId, String objectKey) {
        Path dir = config.recording().dir().orElseThrow(() -> new IllegalStateException("no recording dir"));
        String ngCallId = relay.ngCallId(callId.toString());
        Context context = vertx.getOrCreateContext();
        long deadline = System.nanoTime() + config.recording().fileWait().toNanos();
        return awaitClosed(context, dir, ngCallId, deadline)
                .chain(files -> blocking(context, () -> convert(files, callId)))
                .chain(converted -> upload(context, converted, objectKey)
                        // The pcaps go once the WAV is stored (a failed upload can be collected again).
                        .chain(() -> blocking(context, () -> delete(converted.sources()))
                                .onFailure().invoke(e -> Log.warnf("Could not remove recording files of %s: %s",
                                        callId, e.getMessage()))
                                .onFailure().recoverWithNull())
                        .eventually(() -> blocking(context, () -> delete(List.of(converted.wav()))))
                        .replaceWith(() -> new Stored(objectKey, converted.size(), converted.audio().durationMillis(),
                                CONTENT_TYPE)));
    }

    private static Void delete(List<Path> files) throws IOException {
        for (Path f : files) {
            Files.deleteIfExists(f);
        }
        return null;
    }

    private record Files2(List<Path> pcaps, List<Path> metadata) {
    }

    private record Converted(Path wav, long size, PcapAudio.Result audio, List<Path> sources) {
    }

    /** Polls (every 100 ms, until the deadline) for the call's pcaps once their metadata says they are closed. */
    private Uni<Files2> awaitClosed(Context context, Path dir, String ngCallId, long deadline) {
        return blocking(context, () -> find(dir, ngCallId)).chain(found -> {
            if (!found.pcaps().isEmpty() && !found.metadata().isEmpty()) {
                return Uni.createFrom().item(found);
            }
            if (System.nanoTime() > deadline) {
                return Uni.createFrom().failure(new IOException("no closed recording of " + ngCallId + " in "
                        + dir + " (pcaps " + found.pcaps().size() + ", metadata " + found.metadata().size() + ")"));
            }
            return Uni.createFrom().emitter(e -> vertx.setTimer(100, t -> e.complete(null)))
                    .chain(() -> awaitClosed(context, dir, ngCallId, deadline));
        });
    }

    private static Files2 find(Path dir, String ngCallId) throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(ngCallId) + "-[0-9a-f]+\\.pcap");
        Pattern meta = Pattern.compile("rtpengine-meta-" + Pattern.quote(ngCallId) + "-[0-9a-f]+\\.txt");
        return new Files2(list(dir.resolve("pcaps"), name), list(dir.resolve("metadata"), meta));
    }

    private static List<Path> list(Path dir, Pattern name) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> name.matcher(p.getFileName().toString()).matches())) {
            entries.forEach(out::add);
        }
        // Recordings started one after another: oldest first.
        out.sort((a, b) -> {
            try {
                return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
            } catch (IOException e) {
                return a.compareTo(b);
            }
        });
        return out;
    }

    private Converted convert(Files2 files, UUID callId) throws IOException {
        // Next to the pcaps (the shared recording volume, sized for recordings), not in a small /tmp.
        Path work = Files.createDirectories(config.recording().dir().orElseThrow().resolve("wav"));
        Path wav = Files.createTempFile(work, "ucp-recording-" + callId, ".wav");
        try {
            PcapAudio.Result audio = PcapAudio.convert(files.pcaps(), wav, config.recording().maxDuration());
            Log.infof("Recording of call %s: %d ms, %d packets decoded, %d skipped (not G.711)", callId,
                    audio.durationMillis(), audio.decodedPackets(), audio.skippedPackets());
            List<Path> sources = new ArrayList<>(files.pcaps());
            sources.addAll(files.metadata());
            return new Converted(wav, Files.size(wav), audio, sources);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(wav);
            throw e;
        }
    }

    private Uni<Void> upload(Context context, Converted converted, String objectKey) {
        return Uni.createFrom().completionStage(() -> s3.putObject(PutObjectRequest.builder().bucket(bucket)
                .key(objectKey).contentType(CONTENT_TYPE).contentLength(converted.size()).build(),
                AsyncRequestBody.fromFile(converted.wav())))
                // The SDK completes on its own threads: continue on the Vert.x context.
                .emitOn(r -> context.runOnContext(v -> r.run()))
                .replaceWithVoid();
    }

    private interface Blocking<T> {
        T run() throws Exception;
    }

    /** File work on a worker thread, the result back on the context. */
    private static <T> Uni<T> blocking(Context context, Blocking<T> work) {
        return Uni.createFrom().completionStage(() -> context.<T>executeBlocking(work::run, false)
                .toCompletionStage());
    }

    private static boolean notFound(Throwable e) {
        return e instanceof MediaRelayException m && m.reason() == MediaRelayException.Reason.NOT_FOUND;
    }
}
