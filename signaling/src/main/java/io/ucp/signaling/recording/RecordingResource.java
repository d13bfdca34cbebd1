package io.ucp.signaling.recording;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.platform.security.CurrentUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Recording an answered call: start (presigned upload URL), stop, download (presigned GET URL). */
@Path("/v1/calls/{callId}/recordings")
@Tag(name = "Recordings", description = "Call recordings stored in object storage")
@Authenticated
public class RecordingResource {

    private final RecordingService recordings;
    private final CurrentUser user;

    public RecordingResource(RecordingService recordings, CurrentUser user) {
        this.recordings = recordings;
        this.user = user;
    }

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Start recording. The server records calls whose media it relays; otherwise the client "
            + "uploads: with sizeBytes the upload url comes at once, else from …/upload")
    public Uni<RecordingService.RecordingLink> start(@PathParam("callId") UUID callId,
            @Valid StartRecordingRequest request, @HeaderParam(Idempotency.HEADER) String key) {
        String type = request == null || request.contentType() == null ? "audio/webm" : request.contentType();
        Long size = request == null ? null : request.sizeBytes();
        return recordings.start(actor(), callId, type, size, Idempotency.of(key, "record", callId, type, size));
    }

    @POST
    @Path("/{recordingId}/upload")
    @Operation(summary = "An upload URL for a running recording, bound to the file's size and the recording's content "
            + "type (PUT exactly that; anything else is refused by the storage server)")
    public Uni<RecordingService.RecordingLink> upload(@PathParam("callId") UUID callId,
            @PathParam("recordingId") UUID recordingId, @Valid @NotNull UploadRecordingRequest request,
            @HeaderParam(Idempotency.HEADER) String key) {
        return recordings.upload(actor(), callId, recordingId, request.sizeBytes(),
                Idempotency.of(key, "record-upload", callId, recordingId, request.sizeBytes()));
    }

    @POST
    @Path("/{recordingId}/stop")
    @Operation(summary = "Stop a recording whose media has been uploaded")
    public Uni<RecordingService.RecordingLink> stop(@PathParam("callId") UUID callId,
            @PathParam("recordingId") UUID recordingId, @HeaderParam(Idempotency.HEADER) String key) {
        return recordings.stop(actor(), callId, recordingId, Idempotency.of(key, "record-stop", callId, recordingId));
    }

    @GET
    @Path("/{recordingId}")
    @Operation(summary = "A recording's metadata and a presigned download url (parties and admins)")
    public Uni<RecordingService.RecordingLink> get(@PathParam("callId") UUID callId,
            @PathParam("recordingId") UUID recordingId) {
        return recordings.download(actor(), callId, recordingId);
    }

    private Actor actor() {
        return new Actor(user.id(), user.isAdmin());
    }
}
