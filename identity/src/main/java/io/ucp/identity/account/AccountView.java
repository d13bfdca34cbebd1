package io.ucp.identity.account;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;

/** An account as the API shows it. */
public record AccountView(UUID id, String email, String status, Set<String> roles, OffsetDateTime createdAt,
        OffsetDateTime suspendedAt, OffsetDateTime deletedAt) {

    public static AccountView of(Account a) {
        return new AccountView(a.id(), a.email(), a.status(), a.roles(), a.createdAt(), a.suspendedAt(), a.deletedAt());
    }
}
