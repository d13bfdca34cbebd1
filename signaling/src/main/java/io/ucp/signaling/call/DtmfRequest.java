package io.ucp.signaling.call;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/** DTMF digits to send to the other party's device (RFC 4733 events 0-9 * # A-D). */
public record DtmfRequest(@NotNull @Pattern(regexp = "[0-9*#A-D]{1,32}", message = "must be 1 to 32 of 0-9 * # A-D")
        String digits) {
}
