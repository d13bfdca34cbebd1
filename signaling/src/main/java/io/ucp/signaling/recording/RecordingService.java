package io.ucp.signaling.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.Call;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.CallStates;
import io.ucp.signaling.call.CallView;
import io.ucp.signaling.call.Change;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.media.MediaRelayException;
import io.ucp.signaling.media.MediaReleased;
import io.ucp.signaling.media.ServerRecordings;
import io.quarkus.logging.Log;
import io.ucp.signaling.platform.problem.ProblemException;
import io.ucp.signaling.routing.AccountCopies;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.GetObjectPresignRequest;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * Call recordings. For a call whose media runs through rtpengine (anchored by the SIP edge) the server records: start
 * tells rtpengine to record, stop turns its pcap into a WAV and stores it ({@link ServerRecordings}; entry
 * {@code source: server}, no upload URL). Otherwise media never passes through this service: start hands the
 * recording client a presigned PUT URL, stop checks the uploaded object (HEAD) and records its size and the duration.
 * Either way parties (and admins) get presigned GET URLs. Metadata lives in call_sessions.recordings, so call.events
 * snapshots carry it.
 */
@ApplicationScoped
public class RecordingService {

    /** identity feature flag gating recording per account (account value, else global; unknown = allowed). */
    public static final String FLAG = "call-recording";
    private static final Duration URL_TTL = Duration.ofMinutes(15);
    private static final String SERVER = "server";
    /** Acts on behalf of the platform (a call's media ended: its server recording is finished). */
    private static final Actor SYSTEM = new Actor(new UUID(0, 0), true);

    private final CallService calls;
    private final AccountCopies copies;
    private final S3Presigner presigner;
    private final S3AsyncClient s3;
    private final ObjectMapper mapper;
    private final String bucket;
    private final ServerRecordings server;
    private final long maxBytes;

    public RecordingService(CallService calls, AccountCopies copies, S3Presigner presigner, S3AsyncClient s3,
            ObjectMapper mapper, @ConfigProperty(name = "ucp.s3.recordings-bucket") String bucket,
            ServerRecordings server,
            @ConfigProperty(name = "ucp.signaling.recordings.max-bytes", defaultValue = "536870912") long maxBytes) {
        this.server = server;
        this.maxBytes = maxBytes;
        this.calls = calls;
        this.copies = copies;
        this.presigner = presigner;
        this.s3 = s3;
        this.mapper = mapper;
        this.bucket = bucket;
    }

    /** An upload or download link for one recording. */
    public record RecordingLink(UUID recordingId, String objectKey, String contentType, Long sizeBytes,
            Long durationSeconds, String state, String url, OffsetDateTime urlExpiresAt) {
    }

    public Uni<RecordingLink> start(Actor actor, UUID callId, String contentType, Long sizeBytes, Idempotency idem) {
        checkSize(sizeBytes);
        UUID recordingId = UUID.randomUUID();
        return copies.flag(FLAG, actor.id()).chain(flag -> {
            if (flag != null && !flag.asBoolean(false)) {
                throw ProblemException.forbidden("Recording is not enabled for your account");
            }
            return server.available(callId);
        }).chain(serverSide -> {
            String type = serverSide ? ServerRecordings.CONTENT_TYPE : contentType;
            return calls.act(actor, callId, idem, (call, now) -> {
                requireParty(call, actor);
                if (!CallStates.ACTIVE.equals(call.state()) && !CallStates.HELD.equals(call.state())) {
                    throw ProblemException.conflict("Cannot start recording: the call is " + call.state()
                            + " (current state: " + call.state() + ")");
                }
                ArrayNode list = recordings(call);
                if (recording(list, null) != null) {
                    throw ProblemException.conflict("A recording of this call is already running");
                }
                ObjectNode entry = list.addObject();
                entry.put("recordingId", recordingId.toString());
                entry.put("objectKey", "calls/" + callId + "/" + recordingId + extension(type));
                entry.put("contentType", type);
                if (serverSide) {
                    entry.put("source", SERVER);
                } else if (sizeBytes != null) {
                    entry.put("declaredBytes", sizeBytes);
                }
                entry.putNull("sizeBytes");
                entry.putNull("durationSeconds");
                entry.put("state", "recording");
                entry.put("startedBy", actor.id().toString());
                entry.put("startedAt", now.toString());
                return Change.of(call.withRecordings(list.toString()).nextVersion(), null);
            }, null);
        }).chain(view -> {
            // The key's replay returns the call as it was: the recording started then is the last one.
            JsonNode entry = view.recordings().get(view.recordings().size() - 1);
            if (!SERVER.equals(entry.path("source").asText())) {
                return Uni.createFrom().item(view);
            }
            if (!recordingId.toString().equals(entry.path("recordingId").asText())) {
                return Uni.createFrom().item(view); // a replay: rtpengine was told then
            }
            return server.start(callId).replaceWith(view).onFailure().call(e -> markFailed(callId, recordingId, e))
                    .onFailure(MediaRelayException.class).transform(RecordingService::mediaDown);
        }).map(view -> {
            JsonNode entry = view.recordings().get(view.recordings().size() - 1);
            if (SERVER.equals(entry.path("source").asText())) {
                return link(entry, null, null);
            }
            return entry.hasNonNull("declaredBytes") ? uploadLink(entry) : link(entry, null, null);
        });
    }

    /**
     * A client's upload URL for a running recording, bound to the declared size and the recording's content type
     * (both are signed, so the storage server refuses any other body); asked for once the client knows the size.
     */
    public Uni<RecordingLink> upload(Actor actor, UUID callId, UUID recordingId, long sizeBytes, Idempotency idem) {
        checkSize(sizeBytes);
        return calls.act(actor, callId, idem, (call, now) -> {
            requireParty(call, actor);
            ArrayNode list = recordings(call);
            ObjectNode entry = recording(list, recordingId);
            if (entry == null) {
                throw ProblemException.notFound("Recording");
            }
            if (SERVER.equals(entry.path("source").asText())) {
                throw ProblemException.conflict("The server records this call; there is nothing to upload");
            }
            if (!"recording".equals(entry.path("state").asText())) {
                throw ProblemException.conflict("This recording is not running");
            }
            entry.put("declaredBytes", sizeBytes);
            return Change.of(call.withRecordings(list.toString()).nextVersion(), null);
        }, null).map(view -> uploadLink(find(view, recordingId)));
    }

    private RecordingLink uploadLink(JsonNode entry) {
        long size = entry.path("declaredBytes").asLong();
        var put = presigner.presignPutObject(PutObjectPresignRequest.builder().signatureDuration(URL_TTL)
                .putObjectRequest(b -> b.bucket(bucket).key(entry.path("objectKey").asText())
                        .contentType(entry.path("contentType").asText()).contentLength(size))
                .build());
        return link(entry, put.url().toString(), put.expiration());
    }

    private void checkSize(Long sizeBytes) {
        if (sizeBytes != null && (sizeBytes < 1 || sizeBytes > maxBytes)) {
            throw ProblemException.badRequest("sizeBytes", "must be between 1 and " + maxBytes);
        }
    }

    /** What a stopped recording's object holds: its size, and for server recordings the audio's duration. */
    private record Stored(long sizeBytes, Long durationMillis) {
    }

    /**
     * Stops the recording. A client's recording once its file is uploaded: size from the object, duration from start
     * to stop. A server recording: rtpengine stops, the WAV is made and stored, size and duration from it.
     */
    public Uni<RecordingLink> stop(Actor actor, UUID callId, UUID recordingId, Idempotency idem) {
        return calls.get(actor, callId).chain(view -> {
            JsonNode entry = find(view, recordingId);
            String key = entry.path("objectKey").asText();
            if (SERVER.equals(entry.path("source").asText())) {
                if (!"recording".equals(entry.path("state").asText())) {
                    return Uni.createFrom().item(new Stored(entry.path("sizeBytes").asLong(), null));
                }
                return storeServerRecording(callId, key);
            }
            return Uni.createFrom().completionStage(() -> s3.headObject(HeadObjectRequest.builder().bucket(bucket)
                    .key(key).build())).onFailure(e -> e instanceof NoSuchKeyException
                            || (e instanceof S3Exception s3e && s3e.statusCode() == 404)
                            || (e.getCause() instanceof S3Exception c && c.statusCode() == 404))
                    .transform(e -> ProblemException.conflict("Upload the recording to its URL before stopping it"))
                    .chain(head -> {
                        // Signed URLs already bind size and type; this keeps an object that got in any other way
                        // (or a later change to the signing) from becoming a recording.
                        if (head.contentLength() != entry.path("declaredBytes").asLong(-1)
                                || !entry.path("contentType").asText().equalsIgnoreCase(head.contentType())) {
                            return Uni.createFrom().completionStage(() -> s3.deleteObject(b -> b.bucket(bucket)
                                    .key(key))).onItemOrFailure().<Stored>transform((ok, e) -> {
                                        throw ProblemException.unprocessable("The uploaded file does not match the "
                                                + "declared size and content type; it was discarded, upload again");
                                    });
                        }
                        return Uni.createFrom().item(new Stored(head.contentLength(), null));
                    });
        }).chain(head -> calls.act(actor, callId, idem, (call, now) -> {
            requireParty(call, actor);
            ArrayNode list = recordings(call);
            ObjectNode entry = recording(list, recordingId);
            if (entry == null || !"recording".equals(entry.path("state").asText())) {
                throw ProblemException.conflict("This recording is not running");
            }
            stopped(entry, head, now);
            return Change.of(call.withRecordings(list.toString()).nextVersion(), null);
        }, null)).map(view -> link(find(view, recordingId), null, null));
    }

    /**
     * Once a call's media is released (runs on {@link MediaReleased}, fired by {@code MediaRelay.delete} and the
     * stale sweep): a server recording still running is finished from rtpengine's closed pcap and stored, as a stop
     * would. Nothing to do otherwise.
     */
    public Uni<Void> mediaReleased(UUID callId) {
        return calls.get(SYSTEM, callId).chain(view -> {
            JsonNode running = null;
            for (JsonNode n : view.recordings()) {
                if (SERVER.equals(n.path("source").asText()) && "recording".equals(n.path("state").asText())) {
                    running = n;
                }
            }
            if (running == null) {
                return Uni.createFrom().voidItem();
            }
            UUID recordingId = UUID.fromString(running.path("recordingId").asText());
            return storeServerRecording(callId, running.path("objectKey").asText())
                    .chain(stored -> calls.act(SYSTEM, callId, null, (call, now) -> {
                        ArrayNode list = recordings(call);
                        ObjectNode entry = recording(list, recordingId);
                        if (entry == null || !"recording".equals(entry.path("state").asText())) {
                            throw ProblemException.conflict("This recording is not running");
                        }
                        stopped(entry, stored, now);
                        return Change.of(call.withRecordings(list.toString()).nextVersion(), null);
                    }, null)).replaceWithVoid();
        });
    }

    /** rtpengine released a call's media (delete, or the stale sweep): finish its running server recording. */
    void onMediaReleased(@Observes MediaReleased event) {
        UUID callId;
        try {
            callId = UUID.fromString(event.callId());
        } catch (IllegalArgumentException e) {
            return; // not one of our calls
        }
        mediaReleased(callId).subscribe().with(v -> { }, e -> {
            if (!(e instanceof ProblemException p && p.status() == 404)) {
                Log.warnf("Could not finish the server recording of call %s: %s", callId, e.getMessage());
            }
        });
    }

    private Uni<Stored> storeServerRecording(UUID callId, String key) {
        return server.stop(callId, key).map(s -> new Stored(s.sizeBytes(), s.durationMillis()))
                .onFailure(MediaRelayException.class).transform(RecordingService::mediaDown)
                .onFailure(java.io.IOException.class).transform(e -> new ProblemException(503, "recording-unavailable",
                        "Recording unavailable", "The recorded media could not be stored: " + e.getMessage(), null,
                        null));
    }

    private static void stopped(ObjectNode entry, Stored stored, OffsetDateTime now) {
        entry.put("state", "stopped");
        entry.put("sizeBytes", stored.sizeBytes());
        entry.put("stoppedAt", now.toString());
        entry.put("durationSeconds", stored.durationMillis() != null ? Math.round(stored.durationMillis() / 1000.0)
                : Math.max(0, Duration.between(OffsetDateTime.parse(entry.path("startedAt").asText()), now)
                        .toSeconds()));
        if (stored.durationMillis() != null) {
            entry.put("durationMillis", stored.durationMillis());
        }
    }

    /** rtpengine refused to record: the entry says so, and the next start may try again. */
    private Uni<Void> markFailed(UUID callId, UUID recordingId, Throwable cause) {
        Log.warnf("rtpengine could not record call %s: %s", callId, cause.getMessage());
        return calls.act(SYSTEM, callId, null, (call, now) -> {
            ArrayNode list = recordings(call);
            ObjectNode entry = recording(list, recordingId);
            if (entry != null) {
                entry.put("state", "failed");
            }
            return Change.of(call.withRecordings(list.toString()).nextVersion(), null);
        }, null).replaceWithVoid().onFailure().recoverWithNull();
    }

    private static ProblemException mediaDown(Throwable e) {
        return new ProblemException(503, "media-unavailable", "Media relay unavailable",
                "The media relay could not be reached: " + e.getMessage(), null, 5L);
    }

    /** A party's (or an admin's) download link; anyone else gets 404, as for the call itself. */
    public Uni<RecordingLink> download(Actor actor, UUID callId, UUID recordingId) {
        return calls.get(actor, callId).map(view -> {
            JsonNode entry = find(view, recordingId);
            var get = presigner.presignGetObject(GetObjectPresignRequest.builder().signatureDuration(URL_TTL)
                    .getObjectRequest(b -> b.bucket(bucket).key(entry.path("objectKey").asText())).build());
            return link(entry, get.url().toString(), get.expiration());
        });
    }

    private static void requireParty(Call call, Actor actor) {
        if (!call.isParty(actor.id())) {
            throw ProblemException.notFound("Call");
        }
    }

    private ArrayNode recordings(Call call) {
        try {
            JsonNode node = mapper.readTree(call.recordingsJson() == null ? "[]" : call.recordingsJson());
            return node.isArray() ? (ArrayNode) node : mapper.createArrayNode();
        } catch (Exception e) {
            throw new IllegalStateException("Unreadable recordings of call " + call.id(), e);
        }
    }

    /** The recording with this id, or (id null) the one still running. */
    private static ObjectNode recording(ArrayNode list, UUID recordingId) {
        for (JsonNode n : list) {
            if (recordingId == null ? "recording".equals(n.path("state").asText())
                    : recordingId.toString().equals(n.path("recordingId").asText())) {
                return (ObjectNode) n;
            }
        }
        return null;
    }

    private static JsonNode find(CallView view, UUID recordingId) {
        for (JsonNode n : view.recordings()) {
            if (recordingId.toString().equals(n.path("recordingId").asText())) {
                return n;
            }
        }
        throw ProblemException.notFound("Recording");
    }

    private static RecordingLink link(JsonNode entry, String url, java.time.Instant expires) {
        return new RecordingLink(UUID.fromString(entry.path("recordingId").asText()),
                entry.path("objectKey").asText(), entry.path("contentType").asText(),
                entry.hasNonNull("sizeBytes") ? entry.path("sizeBytes").asLong() : null,
                entry.hasNonNull("durationSeconds") ? entry.path("durationSeconds").asLong() : null,
                entry.path("state").asText(), url,
                expires == null ? null : OffsetDateTime.ofInstant(expires, java.time.ZoneOffset.UTC));
    }

    private static String extension(String contentType) {
        return switch (contentType) {
            case "audio/ogg" -> ".ogg";
            case "audio/wav", "audio/x-wav" -> ".wav";
            case "audio/mpeg" -> ".mp3";
            case "video/webm", "audio/webm" -> ".webm";
            default -> ".bin";
        };
    }
}
