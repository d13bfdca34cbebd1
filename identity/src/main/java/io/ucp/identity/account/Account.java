package io.ucp.identity.account;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** An account row as the service reads it (the password hash never leaves this package's services). */
public record Account(UUID id, String email, String passwordHash, String status, Set<String> roles,
        OffsetDateTime suspendedAt, OffsetDateTime deletedAt, OffsetDateTime createdAt) {

    public static final String COLUMNS = "id, email, password_hash, status, roles, suspended_at, deleted_at, created_at";
    public static final String ACTIVE = "active";
    public static final String SUSPENDED = "suspended";
    public static final String DELETED = "deleted";

    public static Account from(Row row) {
        return new Account(row.getUUID("id"), row.getString("email"), row.getString("password_hash"),
                row.getString("status"), new TreeSet<>(List.of(row.getArrayOfStrings("roles"))),
                row.getOffsetDateTime("suspended_at"), row.getOffsetDateTime("deleted_at"),
                row.getOffsetDateTime("created_at"));
    }

    public boolean active() {
        return ACTIVE.equals(status);
    }
}
