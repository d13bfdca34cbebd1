package io.ucp.signaling.recording;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The media type the recording client will upload (default audio/webm, as browsers' MediaRecorder produces) and, if
 * the client already knows it, the file's size: then the upload URL comes at once, bound to both. Otherwise ask for it
 * with {@code POST …/recordings/{id}/upload {sizeBytes}} once the file is ready.
 */
public record StartRecordingRequest(
        @Pattern(regexp = "(audio|video)/[a-z0-9.+-]{1,40}", message = "must be an audio/* or video/* type")
        String contentType,
        @Schema(nullable = true) @Positive Long sizeBytes) {
}
