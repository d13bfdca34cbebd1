package io.ucp.presence.presence;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.Cursors;
import io.ucp.presence.platform.outbox.OutboxWriter;
import io.ucp.presence.platform.outbox.OutgoingEvent;
import io.ucp.presence.platform.problem.ProblemException;
import io.ucp.presence.presence.PresenceApi.OwnPresence;
import io.ucp.presence.presence.PresenceApi.PresencePage;
import io.ucp.presence.presence.PresenceApi.PresenceView;
import io.ucp.presence.presence.PresenceApi.SetPresence;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Computes and publishes each user's presence. Every input (chosen state, devices, calls, status expiry) ends in
 * {@link #recompute}: it locks the user's presence_status row, reads the devices from Redis under that lock (so
 * the last writer saw the latest devices), and when what watchers see changes, bumps the version and writes
 * presence.changed to the outbox in the same transaction. The hot copy in Redis is refreshed after commit.
 */
@ApplicationScoped
public class PresenceService {

    private static final String COLUMNS = "account_id, chosen_state, status_text, status_expires_at, "
            + "cardinality(active_call_ids) AS calls, published_state, last_seen_at, version";

    private final Pool pool;
    private final OutboxWriter outbox;
    private final DeviceRegistry devices;
    private final HotPresence hot;
    private final String topic;

    public PresenceService(Pool pool, OutboxWriter outbox, DeviceRegistry devices, HotPresence hot,
            @ConfigProperty(name = "ucp.topics.presence-events") String topic) {
        this.pool = pool;
        this.outbox = outbox;
        this.devices = devices;
        this.hot = hot;
        this.topic = topic;
    }

    public Uni<OwnPresence> set(UUID me, SetPresence request) {
        if (request.statusExpiresAt() != null && !request.statusExpiresAt().isAfter(OffsetDateTime.now())) {
            throw ProblemException.badRequest("statusExpiresAt", "must be in the future");
        }
        String text = request.statusText() == null || request.statusText().isBlank() ? null : request.statusText().strip();
        return pool.withTransaction(tx -> ensureRow(tx, me)
                .chain(() -> tx.preparedQuery("UPDATE presence_status SET chosen_state = $2, status_text = $3, "
                        + "status_expires_at = $4 WHERE account_id = $1")
                        .execute(Tuple.of(me, request.state(), text, text == null ? null : request.statusExpiresAt())))
                .chain(() -> recomputeIn(tx, me, true)))
                .call(this::cache)
                .chain(() -> own(me));
    }

    public Uni<OwnPresence> own(UUID me) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM presence_status WHERE account_id = $1")
                .execute(Tuple.of(me)).map(rows -> {
                    if (rows.size() == 0) {
                        return new OwnPresence(me, "offline", "available", null, null, false, 0, null);
                    }
                    Row r = rows.iterator().next();
                    return new OwnPresence(me, r.getString("published_state"), r.getString("chosen_state"),
                            visibleText(r), r.getOffsetDateTime("status_expires_at"), r.getInteger("calls") > 0,
                            r.getLong("version"), r.getOffsetDateTime("last_seen_at"));
                });
    }

    /** Another user's presence, only for an approved watcher (anyone else: 404). */
    public Uni<PresenceView> ofOther(UUID me, UUID account) {
        if (me.equals(account)) {
            return own(me).map(o -> new PresenceView(me, o.state(), o.statusText(), o.version(), o.lastSeenAt()));
        }
        return pool.preparedQuery("SELECT 1 FROM presence_subscriptions WHERE watcher_account_id = $1 "
                + "AND target_account_id = $2 AND state = 'approved'").execute(Tuple.of(me, account))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Presence of " + account);
                    }
                    return hot.get(List.of(account)).map(found -> found.get(0));
                });
    }

    /** Presence of everyone I watch (approved), by account id. */
    public Uni<PresencePage> watched(UUID me, String cursor, int limit) {
        UUID after;
        try {
            after = cursor == null ? new UUID(0, 0) : UUID.fromString(Cursors.decode(cursor));
        } catch (IllegalArgumentException e) {
            throw Cursors.invalid();
        }
        return watchedIds(me, after, limit + 1).chain(ids -> {
            boolean more = ids.size() > limit;
            List<UUID> page = more ? ids.subList(0, limit) : ids;
            return hot.get(page).map(views -> new PresencePage(views,
                    more ? Cursors.encode(page.get(limit - 1).toString()) : null));
        });
    }

    public Uni<List<UUID>> watchedIds(UUID me, UUID after, int limit) {
        return pool.preparedQuery("SELECT target_account_id FROM presence_subscriptions WHERE watcher_account_id = $1 "
                + "AND state = 'approved' AND target_account_id > $2 ORDER BY target_account_id LIMIT $3")
                .execute(Tuple.of(me, after, limit)).map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("target_account_id")));
                    return ids;
                });
    }

    /** Re-evaluates a user after a device, call or expiry change; publishes only when watchers would see a change. */
    public Uni<Void> recompute(UUID account) {
        return pool.withTransaction(tx -> ensureRow(tx, account).chain(() -> recomputeIn(tx, account, false)))
                .call(this::cache).replaceWithVoid();
    }

    /** Re-evaluates several users, a few at a time (each is its own short transaction). */
    public Uni<Void> recomputeAll(Collection<UUID> accounts) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return io.smallrye.mutiny.Multi.createFrom().iterable(List.copyOf(accounts))
                .onItem().transformToUni(account -> recompute(account).onFailure().invoke(e ->
                        Log.warnf("Presence of %s not re-evaluated: %s", account, e.getMessage()))
                        .onFailure().recoverWithNull())
                .merge(8)
                .collect().last().replaceWithVoid();
    }

    /** Clears status texts whose expiry has passed and publishes the change. */
    public Uni<Void> expireStatusTexts() {
        return pool.preparedQuery("UPDATE presence_status SET status_text = NULL, status_expires_at = NULL "
                + "WHERE status_expires_at <= now() RETURNING account_id").execute()
                .chain(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("account_id")));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (UUID id : ids) {
                        chain = chain.chain(() -> pool.withTransaction(tx -> recomputeIn(tx, id, true)).call(this::cache)
                                .replaceWithVoid());
                    }
                    return chain;
                });
    }

    /** Adds or removes calls a user is on (inside the caller's transaction); returns the users touched. */
    Uni<Void> ensureRow(SqlClient tx, UUID account) {
        return tx.preparedQuery("INSERT INTO presence_status (account_id) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(account)).replaceWithVoid();
    }

    /** Emits the published view when it changed (or {@code force}), else null. */
    Uni<PresenceView> recomputeIn(SqlClient tx, UUID account, boolean force) {
        return tx.preparedQuery("SELECT " + COLUMNS + " FROM presence_status WHERE account_id = $1 FOR UPDATE")
                .execute(Tuple.of(account))
                .chain(rows -> devices.devices(account).chain(live -> {
                    Row r = rows.iterator().next();
                    String state = PresenceState.aggregate(r.getString("chosen_state"), r.getInteger("calls") > 0,
                            live.live(), live.anyActive());
                    String before = r.getString("published_state");
                    boolean online = !"offline".equals(state);
                    // Last seen: now while online, and the moment of going offline; it stays while offline.
                    OffsetDateTime lastSeen = online || !"offline".equals(before)
                            ? OffsetDateTime.now(ZoneOffset.UTC) : r.getOffsetDateTime("last_seen_at");
                    if (!force && state.equals(before)) {
                        return Uni.createFrom().nullItem();
                    }
                    String text = "appear-offline".equals(r.getString("chosen_state")) ? null : visibleText(r);
                    return tx.preparedQuery("UPDATE presence_status SET published_state = $2, last_seen_at = $3, "
                            + "version = version + 1 WHERE account_id = $1 RETURNING version")
                            .execute(Tuple.of(account, state, lastSeen))
                            .chain(updated -> {
                                PresenceView view = new PresenceView(account, state, text,
                                        updated.iterator().next().getLong("version"), lastSeen);
                                return outbox.append(tx, OutgoingEvent.of(topic, account.toString(), "presence.changed",
                                        "presence/" + account, data(view))).replaceWith(view);
                            });
                }));
    }

    private Uni<Void> cache(PresenceView view) {
        return view == null ? Uni.createFrom().voidItem() : hot.put(view);
    }

    static Map<String, Object> data(PresenceView view) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountId", view.accountId());
        data.put("state", view.state());
        data.put("statusText", view.statusText());
        data.put("version", view.version());
        data.put("lastSeenAt", view.lastSeenAt());
        return data;
    }

    static String visibleText(Row r) {
        OffsetDateTime expires = r.getOffsetDateTime("status_expires_at");
        return expires != null && !expires.isAfter(OffsetDateTime.now()) ? null : r.getString("status_text");
    }
}
