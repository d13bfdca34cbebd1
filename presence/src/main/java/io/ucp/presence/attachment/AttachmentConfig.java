package io.ucp.presence.attachment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;

@ConfigMapping(prefix = "ucp.attachments")
public interface AttachmentConfig {

    /** Largest attachment, in bytes (signed into the upload URL: the store refuses any other size). */
    @WithDefault("26214400")
    long maxBytes();

    @WithDefault("image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,audio/mpeg,audio/ogg,video/mp4")
    Set<String> contentTypes();

    @WithDefault("10m")
    Duration urlTtl();

    /** Attachments per message. */
    @WithDefault("10")
    int maxPerMessage();
}
