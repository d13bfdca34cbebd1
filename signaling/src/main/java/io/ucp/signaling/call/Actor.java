package io.ucp.signaling.call;

import java.util.UUID;

/** Who performs a call action: an account, and whether it acts with admin rights. */
public record Actor(UUID id, boolean admin) {
}
