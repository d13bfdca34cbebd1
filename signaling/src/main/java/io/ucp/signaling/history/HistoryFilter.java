package io.ucp.signaling.history;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What a history list asks for. {@code direction} is outgoing / incoming (my point of view) and {@code internal}
 * narrows to calls between accounts (true) or with outside numbers (false); null = any.
 */
record HistoryFilter(UUID accountId, String direction, Boolean internal, String outcome, UUID peerAccountId,
        String peerNumber, OffsetDateTime from, OffsetDateTime to) {
}
