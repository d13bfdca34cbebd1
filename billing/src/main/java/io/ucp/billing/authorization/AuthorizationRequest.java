package io.ucp.billing.authorization;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.UUID;

/** May this account start a call to this destination (E.164 number or "internal")? */
public record AuthorizationRequest(
        @NotNull UUID accountId,
        @NotBlank @Pattern(regexp = "^(internal|\\+[1-9][0-9]{1,14})$", message = "must be an E.164 number or internal")
        String destination) {
}
