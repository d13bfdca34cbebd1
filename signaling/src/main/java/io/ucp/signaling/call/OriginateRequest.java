package io.ucp.signaling.call;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/**
 * Place a call from one of my connected devices: to a user (internal), to an E.164 number (through a trunk) or into
 * a call queue.
 */
public record OriginateRequest(@NotNull UUID deviceId, UUID toAccountId,
        @Pattern(regexp = E164, message = "must be an E.164 number like +4930123456") String toNumber,
        UUID toQueueId) {

    public static final String E164 = "\\+[1-9][0-9]{6,14}";
}
