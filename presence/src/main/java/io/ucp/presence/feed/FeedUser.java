package io.ucp.presence.feed;

import java.time.Instant;
import java.util.UUID;

/** Who opened a feed connection, from the verified access token. */
public record FeedUser(UUID accountId, String sessionId, Instant issuedAt, Instant expiresAt) {
}
