package io.ucp.signaling.history;

import java.time.OffsetDateTime;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The missed-calls badge: missed calls after {@code seenAt} (null: never marked seen). */
public record MissedCalls(long count, @Schema(nullable = true) OffsetDateTime seenAt) {
}
