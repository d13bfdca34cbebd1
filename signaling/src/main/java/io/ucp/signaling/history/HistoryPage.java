package io.ucp.signaling.history;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of call history, newest first; {@code nextCursor} is null on the last page. */
public record HistoryPage(List<HistoryEntry> items, @Schema(nullable = true) String nextCursor) {
}
