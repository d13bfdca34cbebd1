package io.ucp.signaling.call;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/** A trunk reports a call from an outside number to one of the platform's numbers. */
public record InboundRequest(@NotNull UUID deviceId,
        @NotNull @Pattern(regexp = "\\+?[0-9]{2,20}", message = "must be a phone number") String fromNumber,
        @NotNull @Pattern(regexp = OriginateRequest.E164, message = "must be an E.164 number") String toNumber) {
}
