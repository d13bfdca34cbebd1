package io.ucp.identity.device;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A device as the API shows it; SIP credentials appear only in the registration answer. */
public record Device(UUID id, String type, String name, String pushToken, String sipUsername,
        OffsetDateTime lastSeenAt, OffsetDateTime createdAt, OffsetDateTime updatedAt, SipCredentials sipCredentials) {

    static final String COLUMNS = "id, account_id, type, name, push_token, sip_username, last_seen_at, created_at, "
            + "updated_at";

    /** Shown once at registration: the password is stored only as its digest hash (HA1). */
    public record SipCredentials(String username, String password, String realm) {
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
