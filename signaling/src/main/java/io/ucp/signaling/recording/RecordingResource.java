package io.ucp.signaling.recording;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.platform.security.CurrentUser;
import jakarta.validation.Valid;
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
    @Operation(summary = "Start recording; upload the media with HTTP PUT to the returned url")
    public Uni<RecordingService.RecordingLink> start(@PathParam("callId") UUID callId,
            @Valid StartRecordingRequest request, @HeaderParam(Idempotency.HEADER) String key) {
        String type = request == null || request.contentType() == null ? "audio/webm" : request.contentType();
        return recordings.start(actor(), callId, type, Idempotency.of(key, "record", callId, type));
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
