package io.ucp.identity.profile;

import io.smallrye.mutiny.Uni;
import io.ucp.identity.account.IdentityEvents;
import io.ucp.identity.common.Cursor;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.outbox.OutboxWriter;
import io.ucp.identity.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Profiles: the caller's own, public ones, and the directory search (name or phone prefix). */
@ApplicationScoped
public class ProfileService {

    private static final String FROM = " FROM user_profiles p JOIN accounts a ON a.id = p.account_id "
            + "WHERE a.status = 'active'";

    private final Pool pool;
    private final OutboxWriter outbox;
    private final IdentityEvents events;

    public ProfileService(Pool pool, OutboxWriter outbox, IdentityEvents events) {
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
    }

    /** Changes to apply; a null field is left as it is, an empty phone clears it. */
    public record Change(String displayName, String phone, String phoneRegion, String timeZone) {
    }

    /** An active account's profile, or a 404 (also for deleted and suspended accounts). */
    public Uni<Profile> get(UUID accountId) {
        return pool.preparedQuery("SELECT " + Profile.COLUMNS + FROM + " AND p.account_id = $1")
                .execute(Tuple.of(accountId))
                .map(rows -> rows.size() == 0 ? null : Profile.from(rows.iterator().next()))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Profile"));
    }

    public Uni<Profile> update(UUID accountId, Change change) {
        String phone = change.phone() == null ? null
                : change.phone().isBlank() ? "" : PhoneNumbers.toE164("phone", change.phone(), change.phoneRegion());
        String zone = change.timeZone() == null ? null : TimeZones.validate("timeZone", change.timeZone());
        if (change.displayName() != null && change.displayName().isBlank()) {
            throw ProblemException.badRequest("displayName", "must not be blank");
        }
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE user_profiles SET "
                        + "display_name = coalesce($2, display_name), "
                        + "phone_e164 = CASE WHEN $3::text IS NULL THEN phone_e164 WHEN $3 = '' THEN NULL ELSE $3 END, "
                        + "time_zone = coalesce($4, time_zone), updated_at = now() "
                        + "WHERE account_id = $1 RETURNING account_id, display_name, phone_e164, time_zone, "
                        + "presence_status, updated_at")
                .execute(Tuple.of(accountId, change.displayName() == null ? null : change.displayName().strip(), phone,
                        zone))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Profile");
                    }
                    return Profile.from(rows.iterator().next());
                })
                .call(profile -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("accountId", profile.accountId());
                    data.put("displayName", profile.displayName());
                    data.put("phoneE164", profile.phoneE164());
                    data.put("timeZone", profile.timeZone());
                    return outbox.append(tx, events.of(accountId, "profile.updated", data));
                }));
    }

    /** Directory: a query starting with + or a digit searches phone numbers, anything else names (word prefix). */
    public Uni<Page<Profile>> search(String query, String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        if (query == null || query.isBlank()) {
            throw ProblemException.badRequest("q", "must not be blank");
        }
        String q = query.strip();
        boolean byPhone = q.startsWith("+") || Character.isDigit(q.charAt(0));
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + Profile.COLUMNS + ", lower(coalesce(p.display_name, '')) AS sort_name"
                + FROM);
        if (byPhone) {
            String digits = q.replaceAll("[^0-9]", "");
            if (digits.isEmpty()) {
                throw ProblemException.badRequest("q", "a phone search needs digits");
            }
            params.add("+" + digits + "%");
            sql.append(" AND p.phone_e164 LIKE $1");
        } else {
            String prefix = likeEscape(q.toLowerCase(Locale.ROOT));
            params.add(prefix + "%");
            params.add("% " + prefix + "%");
            sql.append(" AND (lower(p.display_name) LIKE $1 OR lower(p.display_name) LIKE $2)");
        }
        if (cursor != null) {
            List<String> after = Cursor.decode(cursor, 2);
            params.add(after.get(0));
            sql.append(" AND (lower(coalesce(p.display_name, '')), p.account_id) > ($").append(params.size());
            params.add(parseId(after.get(1)));
            sql.append(", $").append(params.size()).append(")");
        }
        params.add(size + 1);
        sql.append(" ORDER BY sort_name, p.account_id LIMIT $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<Profile> found = new ArrayList<>();
            List<String> sortNames = new ArrayList<>();
            for (Row row : rows) {
                found.add(Profile.from(row));
                sortNames.add(row.getString("sort_name"));
            }
            String next = null;
            if (found.size() > size) {
                found = found.subList(0, size);
                next = Cursor.encode(sortNames.get(size - 1), found.get(size - 1).accountId().toString());
            }
            return new Page<>(List.copyOf(found), next);
        });
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this API returned");
        }
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
