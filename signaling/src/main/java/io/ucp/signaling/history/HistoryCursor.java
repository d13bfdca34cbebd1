package io.ucp.signaling.history;

import io.ucp.signaling.platform.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** The position after a history page's last entry: its (startedAt, callId), newest-first order. */
record HistoryCursor(OffsetDateTime startedAt, UUID callId) {

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((startedAt + "|" + callId).getBytes(StandardCharsets.UTF_8));
    }

    /** Null for no cursor; anything that is not a cursor of this list is the client's mistake (400). */
    static HistoryCursor decode(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("two parts expected");
            }
            return new HistoryCursor(OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor of this list");
        }
    }
}
