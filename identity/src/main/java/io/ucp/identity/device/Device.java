package io.ucp.identity.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A device as the API shows it; SIP credentials appear only in the registration answer. */
public record Device(UUID id, @Schema(enumeration = {"web", "mobile", "desktop", "sip"}) String type, String name,
        @Schema(nullable = true) String pushToken,
        @Schema(nullable = true, description = "SIP devices only") String sipUsername,
        // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
        @Schema(implementation = String.class, format = "date-time", nullable = true,
                description = "null until the device first reports in") OffsetDateTime lastSeenAt,
        OffsetDateTime createdAt, OffsetDateTime updatedAt,
        @Schema(description = "Only in the registration answer of a SIP device")
        @JsonInclude(JsonInclude.Include.NON_NULL) SipCredentials sipCredentials) {

    static final String COLUMNS = "id, account_id, type, name, push_token, sip_username, last_seen_at, created_at, "
            + "updated_at";

    /** Shown once at registration: the password is stored only as its digest hash (HA1). */
    public record SipCredentials(String username,
            @Schema(nullable = true, description = "null in an Idempotency-Key replay: the secret is shown once")
            String password,
            String realm) {
    }

    static Device from(Row row) {
        return new Device(row.getUUID("id"), row.getString("type"), row.getString("name"), row.getString("push_token"),
                row.getString("sip_username"), row.getOffsetDateTime("last_seen_at"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"), null);
    }

    public Device withCredentials(SipCredentials credentials) {
        return new Device(id, type, name, pushToken, sipUsername, lastSeenAt, createdAt, updatedAt, credentials);
    }
}
