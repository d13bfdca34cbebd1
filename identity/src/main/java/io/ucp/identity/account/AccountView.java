package io.ucp.identity.account;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An account as the API shows it. */
public record AccountView(UUID id,
        @Schema(nullable = true, description = "null once the account is deleted (its personal data is erased)")
        String email,
        @Schema(enumeration = {"active", "suspended", "deleted"}) String status,
        @Schema(type = SchemaType.ARRAY, implementation = Role.class, uniqueItems = true) Set<String> roles,
        OffsetDateTime createdAt,
        // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
        @Schema(implementation = String.class, format = "date-time", nullable = true, description = "null unless "
            + "suspended")
        OffsetDateTime suspendedAt,
        @Schema(implementation = String.class, format = "date-time", nullable = true, description = "null unless "
            + "deleted")
        OffsetDateTime deletedAt) {

    /** The roles an account may have, for the API document. */
    @Schema(name = "Role", type = SchemaType.STRING, enumeration = {"user", "agent", "admin"})
    interface Role {
    }

    public static AccountView of(Account a) {
        return new AccountView(a.id(), a.email(), a.status(), a.roles(), a.createdAt(), a.suspendedAt(), a.deletedAt());
    }
}
