package io.ucp.signaling.recording;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/** The exact size of the file the client is about to upload; the URL accepts that size and the recording's type only. */
public record UploadRecordingRequest(@NotNull @Positive Long sizeBytes) {
}
