package io.ucp.identity.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A user profile as the API shows it (public to signed-in users: it is the company directory). {@code presence}
 * is shown to the account itself (and admins) only: who may see a user's presence is presence's rule (approved
 * watchers, presence_subscriptions), so others read it from presence's API ({@code GET /v1/presence/accounts/{id}},
 * the feed), which applies that rule.
 */
public record Profile(UUID accountId,
        @Schema(nullable = true, description = "null until set (and after the account is deleted)") String displayName,
        @Schema(nullable = true, description = "E.164; null when no number is set") String phoneE164,
        @Schema(description = "IANA time zone id", example = "Europe/Berlin") String timeZone,
        @Schema(description = "Only on the caller's own profile (and for admins); absent otherwise",
                enumeration = {"available", "away", "busy", "dnd", "on-call", "offline", "appear-offline"})
        @JsonInclude(JsonInclude.Include.NON_NULL) String presence,
        OffsetDateTime updatedAt) {

    static final String COLUMNS = "p.account_id, p.display_name, p.phone_e164, p.time_zone, p.presence_status, "
            + "p.updated_at";

    /** The profile as someone other than its owner sees it: without presence. */
    Profile withoutPresence() {
        return new Profile(accountId, displayName, phoneE164, timeZone, null, updatedAt);
    }

    static Profile from(Row row) {
        return new Profile(row.getUUID("account_id"), row.getString("display_name"), row.getString("phone_e164"),
                row.getString("time_zone"), row.getString("presence_status"), row.getOffsetDateTime("updated_at"));
    }
}
