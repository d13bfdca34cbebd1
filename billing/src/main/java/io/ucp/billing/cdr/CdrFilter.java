package io.ucp.billing.cdr;

import java.time.Instant;
import java.util.UUID;

/** Search criteria (all optional; accountId is forced to the caller's own for non-admins). */
public record CdrFilter(Instant from, Instant to, UUID accountId, String direction, String disposition,
        String number) {
}
