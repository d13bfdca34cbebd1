package io.ucp.signaling.call;

import jakarta.validation.constraints.NotNull;
import java.util.UUID;

/** Whom to transfer the call to (or consult first). */
public record TransferRequest(@NotNull UUID toAccountId) {
}
