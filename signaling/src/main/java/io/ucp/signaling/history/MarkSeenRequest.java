package io.ucp.signaling.history;

import java.time.OffsetDateTime;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Marks missed calls seen up to {@code upTo} (default: now), e.g. the newest entry the client showed. */
public record MarkSeenRequest(@Schema(nullable = true) OffsetDateTime upTo) {
}
