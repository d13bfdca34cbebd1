package io.ucp.presence.attachment;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

public final class AttachmentApi {

    private AttachmentApi() {
    }

    public record UploadRequest(@NotBlank @Size(max = 200) String fileName,
            @NotBlank @Size(max = 100) String contentType,
            @NotNull @Positive Long sizeBytes) {
    }

    /** PUT the bytes to {@code url} with exactly these headers before it expires, then send a message with the key. */
    public record Upload(String objectKey, String url, String method, Map<String, List<String>> headers,
            OffsetDateTime expiresAt) {
    }

    public record AttachmentRef(@NotBlank @Size(max = 500) String objectKey, @Size(max = 200) String name) {
    }

    public record Download(String objectKey, String url, String contentType, long sizeBytes, String name,
            OffsetDateTime expiresAt) {
    }
}
