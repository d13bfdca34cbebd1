package io.ucp.signaling.history;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * {@code call.missed} (topic call.missed, key = the account that missed it): a call rang for (or was meant for) the
 * account and nobody answered. {@code missedCount} is the account's missed calls since it last marked them seen,
 * this one included, so a feed can show the badge without asking.
 */
@RegisterForReflection
public record CallMissed(UUID accountId, UUID callId, UUID peerAccountId, String peerNumber, UUID queueId,
        OffsetDateTime missedAt, long missedCount) {

    public static final String TYPE = "call.missed";
}
