package io.ucp.signaling.recording;

import jakarta.validation.constraints.Pattern;

/** The media type the recording client will upload (default audio/webm, as browsers' MediaRecorder produces). */
public record StartRecordingRequest(
        @Pattern(regexp = "(audio|video)/[a-z0-9.+-]{1,40}", message = "must be an audio/* or video/* type")
        String contentType) {
}
