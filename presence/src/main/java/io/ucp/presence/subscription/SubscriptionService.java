package io.ucp.presence.subscription;

import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.Cursors;
import io.ucp.presence.platform.outbox.OutboxWriter;
import io.ucp.presence.platform.outbox.OutgoingEvent;
import io.ucp.presence.platform.problem.ProblemException;
import io.ucp.presence.subscription.SubscriptionApi.SubscriptionPage;
import io.ucp.presence.subscription.SubscriptionApi.SubscriptionView;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * XMPP-like presence authorisation: the watcher asks, the target approves, denies or blocks; the watcher may
 * cancel. Only an approved subscription lets the watcher see the target's presence; a blocked watcher cannot ask
 * again (only the target can lift a block, by approving). Each change goes out as subscription.changed on
 * presence.events, keyed by the watcher, so the watcher's feed starts or stops showing the target.
 */
@ApplicationScoped
public class SubscriptionService {

    private static final String COLUMNS = "id, watcher_account_id, target_account_id, state, requested_at, decided_at";

    enum Action {
        APPROVE("approved", Set.of("pending", "denied", "blocked"), false),
        DENY("denied", Set.of("pending", "approved"), false),
        BLOCK("blocked", Set.of("pending", "approved", "denied", "cancelled"), false),
        CANCEL("cancelled", Set.of("pending", "approved"), true);

        final String target;
        final Set<String> from;
        final boolean byWatcher;

        Action(String target, Set<String> from, boolean byWatcher) {
            this.target = target;
            this.from = from;
            this.byWatcher = byWatcher;
        }
    }

    private final Pool pool;
    private final OutboxWriter outbox;
    private final String topic;

    public SubscriptionService(Pool pool, OutboxWriter outbox,
            @ConfigProperty(name = "ucp.topics.presence-events") String topic) {
        this.pool = pool;
        this.outbox = outbox;
        this.topic = topic;
    }

    /** Asks to see {@code target}'s presence: 201 new, 200 when already pending or approved. */
    public Uni<io.ucp.presence.conversation.ConversationApi.Created<SubscriptionView>> request(UUID me, UUID target) {
        if (me.equals(target)) {
            throw ProblemException.badRequest("targetAccountId", "must be someone else");
        }
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT " + COLUMNS + " FROM presence_subscriptions "
                + "WHERE watcher_account_id = $1 AND target_account_id = $2 FOR UPDATE").execute(Tuple.of(me, target))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return tx.preparedQuery("INSERT INTO presence_subscriptions (watcher_account_id, "
                                + "target_account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING " + COLUMNS)
                                .execute(Tuple.of(me, target)).chain(inserted -> {
                                    if (inserted.size() == 0) {
                                        throw ProblemException.conflict("A concurrent request exists; retry");
                                    }
                                    SubscriptionView view = view(inserted.iterator().next());
                                    return changed(tx, view).replaceWith(created(view, true));
                                });
                    }
                    SubscriptionView current = view(rows.iterator().next());
                    switch (current.state()) {
                        case "pending", "approved":
                            return Uni.createFrom().item(created(current, false));
                        case "blocked":
                            throw ProblemException.forbidden("This account does not accept your requests");
                        default:
                            return tx.preparedQuery("UPDATE presence_subscriptions SET state = 'pending', "
                                    + "requested_at = now(), decided_at = NULL WHERE id = $1 RETURNING " + COLUMNS)
                                    .execute(Tuple.of(current.id()))
                                    .map(updated -> view(updated.iterator().next()))
                                    .call(view -> changed(tx, view))
                                    .map(view -> created(view, true));
                    }
                }));
    }

    /** Approve, deny, block (the target) or cancel (the watcher); anyone else gets 404. */
    public Uni<SubscriptionView> decide(UUID me, UUID id, Action action) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT " + COLUMNS + " FROM presence_subscriptions "
                + "WHERE id = $1 AND (watcher_account_id = $2 OR target_account_id = $2) FOR UPDATE")
                .execute(Tuple.of(id, me)).chain(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Subscription " + id);
                    }
                    SubscriptionView current = view(rows.iterator().next());
                    UUID allowed = action.byWatcher ? current.watcherAccountId() : current.targetAccountId();
                    if (!allowed.equals(me)) {
                        throw ProblemException.forbidden(action.byWatcher ? "Only the watcher may cancel"
                                : "Only the watched account may decide");
                    }
                    if (current.state().equals(action.target)) {
                        return Uni.createFrom().item(current);
                    }
                    if (!action.from.contains(current.state())) {
                        throw ProblemException.conflict("A " + current.state() + " subscription cannot become "
                                + action.target);
                    }
                    return transition(tx, id, action.target);
                }));
    }

    /** Blocks an account from watching me, whether or not it ever asked. */
    public Uni<SubscriptionView> block(UUID me, UUID watcher) {
        if (me.equals(watcher)) {
            throw ProblemException.badRequest("accountId", "must be someone else");
        }
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO presence_subscriptions (watcher_account_id, "
                + "target_account_id, state, decided_at) VALUES ($1, $2, 'blocked', now()) "
                + "ON CONFLICT ON CONSTRAINT presence_subscriptions_pair_uq DO UPDATE SET state = 'blocked', "
                + "decided_at = now() WHERE presence_subscriptions.state <> 'blocked' RETURNING " + COLUMNS)
                .execute(Tuple.of(watcher, me)).chain(rows -> {
                    if (rows.size() == 0) {
                        return tx.preparedQuery("SELECT " + COLUMNS + " FROM presence_subscriptions WHERE "
                                + "watcher_account_id = $1 AND target_account_id = $2").execute(Tuple.of(watcher, me))
                                .map(found -> view(found.iterator().next()));
                    }
                    SubscriptionView view = view(rows.iterator().next());
                    return changed(tx, view).replaceWith(view);
                }));
    }

    /** Outgoing (whom I asked to watch) or incoming (who asks to watch me), optionally by state, by id. */
    public Uni<SubscriptionPage> list(UUID me, boolean incoming, String state, String cursor, int limit) {
        UUID after;
        try {
            after = cursor == null ? new UUID(0, 0) : UUID.fromString(Cursors.decode(cursor));
        } catch (IllegalArgumentException e) {
            throw Cursors.invalid();
        }
        String mine = incoming ? "target_account_id" : "watcher_account_id";
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM presence_subscriptions WHERE " + mine + " = $1 "
                + "AND ($2::text IS NULL OR state = $2) AND id > $3 ORDER BY id LIMIT $4")
                .execute(Tuple.of(me, state, after, limit + 1)).map(rows -> {
                    List<SubscriptionView> items = new ArrayList<>();
                    rows.forEach(r -> items.add(view(r)));
                    boolean more = items.size() > limit;
                    List<SubscriptionView> page = more ? items.subList(0, limit) : items;
                    return new SubscriptionPage(page, more ? Cursors.encode(page.get(limit - 1).id().toString()) : null);
                });
    }

    private Uni<SubscriptionView> transition(SqlClient tx, UUID id, String state) {
        return tx.preparedQuery("UPDATE presence_subscriptions SET state = $2, decided_at = now() WHERE id = $1 "
                + "RETURNING " + COLUMNS).execute(Tuple.of(id, state))
                .map(rows -> view(rows.iterator().next()))
                .call(view -> changed(tx, view));
    }

    private Uni<Void> changed(SqlClient tx, SubscriptionView view) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subscriptionId", view.id());
        data.put("watcherAccountId", view.watcherAccountId());
        data.put("targetAccountId", view.targetAccountId());
        data.put("state", view.state());
        return outbox.append(tx, OutgoingEvent.of(topic, view.watcherAccountId().toString(), "subscription.changed",
                "subscriptions/" + view.id(), data));
    }

    private static io.ucp.presence.conversation.ConversationApi.Created<SubscriptionView> created(SubscriptionView v,
            boolean created) {
        return new io.ucp.presence.conversation.ConversationApi.Created<>(v, created);
    }

    static SubscriptionView view(Row r) {
        return new SubscriptionView(r.getUUID("id"), r.getUUID("watcher_account_id"), r.getUUID("target_account_id"),
                r.getString("state"), r.getOffsetDateTime("requested_at"), r.getOffsetDateTime("decided_at"));
    }
}
