package io.ucp.identity.profile;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A user profile as the API shows it (public to signed-in users: it is the company directory). */
public record Profile(UUID accountId, String displayName, String phoneE164, String timeZone, String presence,
        OffsetDateTime updatedAt) {

    static final String COLUMNS = "p.account_id, p.display_name, p.phone_e164, p.time_zone, p.presence_status, "
            + "p.updated_at";

    static Profile from(Row row) {
        return new Profile(row.getUUID("account_id"), row.getString("display_name"), row.getString("phone_e164"),
                row.getString("time_zone"), row.getString("presence_status"), row.getOffsetDateTime("updated_at"));
    }
}
