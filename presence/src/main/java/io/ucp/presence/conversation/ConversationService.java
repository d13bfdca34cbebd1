package io.ucp.presence.conversation;

import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.ConversationApi.ChannelPage;
import io.ucp.presence.conversation.ConversationApi.ChannelView;
import io.ucp.presence.conversation.ConversationApi.ConversationPage;
import io.ucp.presence.conversation.ConversationApi.ConversationView;
import io.ucp.presence.conversation.ConversationApi.CreateConversation;
import io.ucp.presence.conversation.ConversationApi.Created;
import io.ucp.presence.conversation.ConversationApi.Invite;
import io.ucp.presence.conversation.ConversationApi.ParticipantPage;
import io.ucp.presence.conversation.ConversationApi.ParticipantView;
import io.ucp.presence.conversation.ConversationApi.UpdateConversation;
import io.ucp.presence.conversation.ConversationApi.UpdateParticipant;
import io.ucp.presence.platform.outbox.OutboxWriter;
import io.ucp.presence.platform.outbox.OutgoingEvent;
import io.ucp.presence.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Conversations and their participants. Raw SQL on the reactive pool: these queries sit on the hot path of every
 * chat screen, and membership checks, counters and outbox rows go in one round-trip-light transaction.
 */
@ApplicationScoped
public class ConversationService {

    static final String VIEW_SQL = "SELECT c.id, c.kind, c.name, c.posting_role, c.direct_low_account_id, "
            + "c.direct_high_account_id, c.last_message_seq, c.last_message_at, c.created_at, "
            + "p.role, p.last_read_seq, p.muted, "
            + "(SELECT count(*) FROM conversation_participants x WHERE x.conversation_id = c.id) AS participant_count, "
            + "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.seq > p.last_read_seq "
            + " AND m.deleted_at IS NULL AND m.sender_account_id <> p.account_id) AS unread "
            + "FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.id AND p.account_id = $1 "
            + "WHERE c.id = ANY($2)";
    private static final String PARTICIPANT_COLUMNS = "account_id, role, joined_at, last_read_seq, last_read_at, muted";

    private final Pool pool;
    private final OutboxWriter outbox;
    private final ActiveChats activeChats;
    private final MessagingConfig config;
    private final String topic;

    public ConversationService(Pool pool, OutboxWriter outbox, ActiveChats activeChats, MessagingConfig config,
            @ConfigProperty(name = "ucp.topics.message-events") String topic) {
        this.pool = pool;
        this.outbox = outbox;
        this.activeChats = activeChats;
        this.config = config;
        this.topic = topic;
    }

    public Uni<Created<ConversationView>> create(UUID me, CreateConversation request) {
        Kind kind = Kind.of(request.kind());
        Set<UUID> others = new LinkedHashSet<>(request.participantIds() == null ? List.of() : request.participantIds());
        others.remove(me);
        if (kind == Kind.DIRECT) {
            if (others.size() != 1) {
                throw ProblemException.badRequest("participantIds", "a direct conversation needs exactly one other person");
            }
            if (request.name() != null || request.postingRole() != null) {
                throw ProblemException.badRequest(request.name() != null ? "name" : "postingRole",
                        "not used by a direct conversation");
            }
            return createDirect(me, others.iterator().next());
        }
        if (request.name() == null || request.name().isBlank()) {
            throw ProblemException.badRequest("name", "must not be blank for a " + kind.value());
        }
        if (others.size() + 1 > config.maxParticipants()) {
            throw ProblemException.badRequest("participantIds", "at most " + config.maxParticipants() + " participants");
        }
        String postingRole = request.postingRole() == null ? "member" : request.postingRole();
        List<UUID> all = new ArrayList<>(others);
        all.add(0, me);
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO conversations (kind, name, created_by, "
                + "posting_role) VALUES ($1, $2, $3, $4) RETURNING id, created_at")
                .execute(Tuple.of(kind.value(), request.name().strip(), me, postingRole))
                .chain(rows -> {
                    UUID id = rows.iterator().next().getUUID("id");
                    return tx.preparedQuery("INSERT INTO conversation_participants (conversation_id, account_id, role) "
                            + "SELECT $1, a, CASE WHEN a = $2 THEN 'owner' ELSE 'member' END FROM unnest($3::uuid[]) a")
                            .execute(Tuple.of(id, me, all.toArray(UUID[]::new)))
                            .chain(() -> conversationChanged(tx, id, "created", me, all))
                            .replaceWith(id);
                }))
                .call(id -> activeChats.touch(all, id, OffsetDateTime.now()))
                .chain(id -> get(me, id))
                .map(view -> new Created<>(view, true));
    }

    private Uni<Created<ConversationView>> createDirect(UUID me, UUID other) {
        boolean meLow = me.toString().compareTo(other.toString()) < 0;
        UUID low = meLow ? me : other;
        UUID high = meLow ? other : me;
        List<UUID> pair = List.of(me, other);
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO conversations (kind, created_by, "
                + "direct_low_account_id, direct_high_account_id) VALUES ('direct', $1, $2, $3) "
                + "ON CONFLICT ON CONSTRAINT conversations_direct_pair_uq DO NOTHING RETURNING id")
                .execute(Tuple.of(me, low, high))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return tx.preparedQuery("SELECT id FROM conversations WHERE direct_low_account_id = $1 "
                                + "AND direct_high_account_id = $2").execute(Tuple.of(low, high))
                                .map(found -> new Created<>(found.iterator().next().getUUID("id"), false));
                    }
                    UUID id = rows.iterator().next().getUUID("id");
                    return tx.preparedQuery("INSERT INTO conversation_participants (conversation_id, account_id, role) "
                            + "VALUES ($1, $2, 'member'), ($1, $3, 'member')").execute(Tuple.of(id, me, other))
                            .chain(() -> conversationChanged(tx, id, "created", me, pair))
                            .replaceWith(new Created<>(id, true));
                }))
                .call(created -> created.created() ? activeChats.touch(pair, created.value(), OffsetDateTime.now())
                        : Uni.createFrom().voidItem())
                .chain(created -> get(me, created.value()).map(view -> new Created<>(view, created.created())));
    }

    public Uni<ConversationView> get(UUID me, UUID id) {
        return views(me, List.of(id)).map(views -> {
            if (views.isEmpty()) {
                throw ProblemException.notFound("Conversation " + id);
            }
            return views.get(0);
        });
    }

    /** The caller's conversations, most recently active first (from the Redis list, details from PostgreSQL). */
    public Uni<ConversationPage> list(UUID me, String cursor, int limit) {
        Double afterScore = null;
        UUID afterId = null;
        if (cursor != null) {
            String[] parts = Cursors.decode(cursor).split("/", 2);
            try {
                afterScore = Double.parseDouble(parts[0]);
                afterId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw Cursors.invalid();
            }
        }
        return activeChats.page(me, afterScore, afterId, limit + 1).chain(entries -> {
            boolean more = entries.size() > limit;
            List<ActiveChats.Entry> page = more ? entries.subList(0, limit) : entries;
            String next = more ? Cursors.encode(page.get(limit - 1).score() + "/" + page.get(limit - 1).conversationId())
                    : null;
            return views(me, page.stream().map(ActiveChats.Entry::conversationId).toList())
                    .map(views -> {
                        Map<UUID, ConversationView> byId = new HashMap<>();
                        views.forEach(v -> byId.put(v.id(), v));
                        // A conversation left since the cache was written is simply not shown.
                        List<ConversationView> ordered = page.stream().map(e -> byId.get(e.conversationId()))
                                .filter(v -> v != null).toList();
                        return new ConversationPage(ordered, next);
                    });
        });
    }

    public Uni<ConversationView> update(UUID me, UUID id, UpdateConversation request) {
        return pool.withTransaction(tx -> Membership.require(tx, id, me, true).chain(m -> {
            if (m.kind() == Kind.DIRECT) {
                throw ProblemException.unprocessable("A direct conversation has no name or posting rules");
            }
            if (!m.mayManage()) {
                throw ProblemException.forbidden("Only owners and admins may change the conversation");
            }
            return tx.preparedQuery("UPDATE conversations SET name = coalesce($2, name), "
                    + "posting_role = coalesce($3, posting_role) WHERE id = $1")
                    .execute(Tuple.of(id, request.name() == null ? null : request.name().strip(), request.postingRole()))
                    .chain(() -> conversationChanged(tx, id, "updated", me, null));
        })).chain(() -> get(me, id));
    }

    public Uni<ParticipantPage> participants(UUID me, UUID id, String cursor, int limit) {
        UUID after;
        try {
            after = cursor == null ? new UUID(0, 0) : UUID.fromString(Cursors.decode(cursor));
        } catch (IllegalArgumentException e) {
            throw Cursors.invalid();
        }
        return pool.withConnection(c -> Membership.require(c, id, me, false)
                .chain(m -> c.preparedQuery("SELECT " + PARTICIPANT_COLUMNS + " FROM conversation_participants "
                        + "WHERE conversation_id = $1 AND account_id > $2 ORDER BY account_id LIMIT $3")
                        .execute(Tuple.of(id, after, limit + 1))))
                .map(rows -> {
                    List<ParticipantView> items = new ArrayList<>();
                    rows.forEach(r -> items.add(participant(r)));
                    boolean more = items.size() > limit;
                    List<ParticipantView> page = more ? items.subList(0, limit) : items;
                    return new ParticipantPage(page,
                            more ? Cursors.encode(page.get(limit - 1).accountId().toString()) : null);
                });
    }

    public Uni<Created<ParticipantView>> invite(UUID me, UUID id, Invite request) {
        Role role = request.role() == null ? Role.MEMBER : Role.of(request.role());
        return pool.withTransaction(tx -> Membership.require(tx, id, me, true).chain(m -> {
            if (m.kind() == Kind.DIRECT) {
                throw ProblemException.unprocessable("A direct conversation has exactly two participants");
            }
            if (!m.mayManage()) {
                throw ProblemException.forbidden("Only owners and admins may add participants");
            }
            if (role == Role.ADMIN && m.role() != Role.OWNER) {
                throw ProblemException.forbidden("Only owners may add admins");
            }
            return tx.preparedQuery("SELECT count(*) AS n FROM conversation_participants WHERE conversation_id = $1")
                    .execute(Tuple.of(id)).chain(count -> {
                        if (count.iterator().next().getLong("n") >= config.maxParticipants()) {
                            throw ProblemException.unprocessable(
                                    "The conversation has its maximum of " + config.maxParticipants() + " participants");
                        }
                        return addParticipant(tx, id, request.accountId(), role, "invited", me);
                    });
        })).call(created -> created.created()
                ? activeChats.touch(List.of(request.accountId()), id, OffsetDateTime.now()) : Uni.createFrom().voidItem());
    }

    /** Joins a channel; a group or direct conversation the caller is not in stays invisible (404). */
    public Uni<Created<ConversationView>> join(UUID me, UUID id) {
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT kind FROM conversations WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id)).chain(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Conversation " + id);
                    }
                    if (!Kind.CHANNEL.value().equals(rows.iterator().next().getString("kind"))) {
                        return Membership.require(tx, id, me, false).replaceWith(new Created<>(id, false));
                    }
                    return addParticipant(tx, id, me, Role.MEMBER, "joined", me)
                            .map(created -> new Created<>(id, created.created()));
                }))
                .call(created -> created.created() ? activeChats.touch(List.of(me), id, OffsetDateTime.now())
                        : Uni.createFrom().voidItem())
                .chain(created -> get(me, id).map(view -> new Created<>(view, created.created())));
    }

    /** Removes a participant; removing oneself is leaving. */
    public Uni<Void> remove(UUID me, UUID id, UUID account) {
        boolean leaving = me.equals(account);
        return pool.withTransaction(tx -> Membership.require(tx, id, me, true).chain(m -> {
            if (m.kind() == Kind.DIRECT) {
                throw ProblemException.unprocessable("Nobody leaves a direct conversation");
            }
            if (leaving) {
                return leave(tx, m);
            }
            return tx.preparedQuery("SELECT role FROM conversation_participants WHERE conversation_id = $1 "
                    + "AND account_id = $2").execute(Tuple.of(id, account)).chain(rows -> {
                        if (rows.size() == 0) {
                            throw ProblemException.notFound("Participant " + account);
                        }
                        Role target = Role.of(rows.iterator().next().getString("role"));
                        if (!m.mayManage() || !(m.role().ordinal() > target.ordinal())) {
                            throw ProblemException.forbidden("You may remove only participants below your role");
                        }
                        return deleteParticipant(tx, id, account, "removed", me);
                    });
        })).call(() -> activeChats.remove(account, id));
    }

    public Uni<ParticipantView> updateParticipant(UUID me, UUID id, UUID account, UpdateParticipant request) {
        return pool.withTransaction(tx -> Membership.require(tx, id, me, true).chain(m -> {
            if (request.muted() != null && !me.equals(account)) {
                throw ProblemException.forbidden("Only the participant may mute a conversation for themselves");
            }
            if (request.role() != null) {
                if (m.kind() == Kind.DIRECT) {
                    throw ProblemException.unprocessable("A direct conversation has no roles");
                }
                if (m.role() != Role.OWNER || me.equals(account)) {
                    throw ProblemException.forbidden("Only an owner may change another participant's role");
                }
            }
            return tx.preparedQuery("UPDATE conversation_participants SET role = coalesce($3, role), "
                    + "muted = coalesce($4, muted) WHERE conversation_id = $1 AND account_id = $2 RETURNING "
                    + PARTICIPANT_COLUMNS).execute(Tuple.of(id, account, request.role(), request.muted()))
                    .chain(rows -> {
                        if (rows.size() == 0) {
                            throw ProblemException.notFound("Participant " + account);
                        }
                        ParticipantView view = participant(rows.iterator().next());
                        return request.role() == null ? Uni.createFrom().item(view)
                                : conversationChanged(tx, id, "role-changed", account, null).replaceWith(view);
                    });
        }));
    }

    /** Channels whose name starts with {@code prefix}, by name; anyone may see and join them. */
    public Uni<ChannelPage> channels(String prefix, String cursor, int limit) {
        String afterName = "";
        UUID afterId = new UUID(0, 0);
        if (cursor != null) {
            String[] parts = Cursors.decode(cursor).split("\n", 2);
            try {
                afterId = UUID.fromString(parts[0]);
                afterName = parts[1];
            } catch (RuntimeException e) {
                throw Cursors.invalid();
            }
        }
        String pattern = (prefix == null ? "" : prefix.toLowerCase(java.util.Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")) + "%";
        return pool.preparedQuery("SELECT c.id, c.name, c.posting_role, "
                + "(SELECT count(*) FROM conversation_participants x WHERE x.conversation_id = c.id) AS n "
                + "FROM conversations c WHERE c.kind = 'channel' AND lower(c.name) LIKE $1 "
                + "AND (lower(c.name), c.id) > ($2, $3) ORDER BY lower(c.name), c.id LIMIT $4")
                .execute(Tuple.of(pattern, afterName, afterId, limit + 1))
                .map(rows -> {
                    List<ChannelView> items = new ArrayList<>();
                    rows.forEach(r -> items.add(new ChannelView(r.getUUID("id"), r.getString("name"),
                            r.getString("posting_role"), r.getLong("n"))));
                    boolean more = items.size() > limit;
                    List<ChannelView> page = more ? items.subList(0, limit) : items;
                    String next = more ? Cursors.encode(page.get(limit - 1).id() + "\n"
                            + page.get(limit - 1).name().toLowerCase(java.util.Locale.ROOT)) : null;
                    return new ChannelPage(page, next);
                });
    }

    /** Views of these conversations for the caller; conversations the caller is not in are left out. */
    public Uni<List<ConversationView>> views(UUID me, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery(VIEW_SQL).execute(Tuple.of(me, ids.toArray(UUID[]::new))).map(rows -> {
            List<ConversationView> views = new ArrayList<>();
            rows.forEach(r -> views.add(view(r)));
            return views;
        });
    }

    private Uni<Void> leave(SqlClient tx, Membership m) {
        Uni<Void> handOver = Uni.createFrom().voidItem();
        if (m.role() == Role.OWNER) {
            // The longest-standing admin (else member) inherits the conversation when its last owner leaves.
            handOver = tx.preparedQuery("UPDATE conversation_participants SET role = 'owner' WHERE id = ("
                    + "SELECT id FROM conversation_participants WHERE conversation_id = $1 AND account_id <> $2 "
                    + "AND NOT EXISTS (SELECT 1 FROM conversation_participants o WHERE o.conversation_id = $1 "
                    + "  AND o.role = 'owner' AND o.account_id <> $2) "
                    + "ORDER BY CASE role WHEN 'admin' THEN 0 ELSE 1 END, joined_at, account_id LIMIT 1)")
                    .execute(Tuple.of(m.conversationId(), m.accountId())).replaceWithVoid();
        }
        return handOver.chain(() -> deleteParticipant(tx, m.conversationId(), m.accountId(), "left", m.accountId()));
    }

    private Uni<Void> deleteParticipant(SqlClient tx, UUID id, UUID account, String change, UUID by) {
        return Membership.participants(tx, id).chain(before -> tx.preparedQuery(
                "DELETE FROM conversation_participants WHERE conversation_id = $1 AND account_id = $2")
                .execute(Tuple.of(id, account))
                // The one leaving still gets this event, so their feed drops the conversation.
                .chain(() -> conversationEvent(tx, id, change, account, by, before)));
    }

    private Uni<Created<ParticipantView>> addParticipant(SqlClient tx, UUID id, UUID account, Role role, String change,
            UUID by) {
        return tx.preparedQuery("INSERT INTO conversation_participants (conversation_id, account_id, role) "
                + "VALUES ($1, $2, $3) ON CONFLICT ON CONSTRAINT conversation_participants_uq DO NOTHING RETURNING "
                + PARTICIPANT_COLUMNS).execute(Tuple.of(id, account, role.value())).chain(rows -> {
                    if (rows.size() == 0) {
                        return tx.preparedQuery("SELECT " + PARTICIPANT_COLUMNS + " FROM conversation_participants "
                                + "WHERE conversation_id = $1 AND account_id = $2").execute(Tuple.of(id, account))
                                .map(found -> new Created<>(participant(found.iterator().next()), false));
                    }
                    ParticipantView view = participant(rows.iterator().next());
                    return conversationChanged(tx, id, change, account, by, null).replaceWith(new Created<>(view, true));
                });
    }

    private Uni<Void> conversationChanged(SqlClient tx, UUID id, String change, UUID account, List<UUID> known) {
        return conversationChanged(tx, id, change, account, account, known);
    }

    private Uni<Void> conversationChanged(SqlClient tx, UUID id, String change, UUID account, UUID by,
            List<UUID> known) {
        Uni<List<UUID>> participants = known != null ? Uni.createFrom().item(known) : Membership.participants(tx, id);
        return participants.chain(ids -> conversationEvent(tx, id, change, account, by, ids));
    }

    private Uni<Void> conversationEvent(SqlClient tx, UUID id, String change, UUID account, UUID by,
            List<UUID> participantIds) {
        return tx.preparedQuery("SELECT kind, name, posting_role FROM conversations WHERE id = $1")
                .execute(Tuple.of(id)).chain(rows -> {
                    Row c = rows.iterator().next();
                    Map<String, Object> data = new java.util.LinkedHashMap<>();
                    data.put("conversationId", id);
                    data.put("kind", c.getString("kind"));
                    data.put("name", c.getString("name"));
                    data.put("postingRole", c.getString("posting_role"));
                    data.put("change", change);
                    data.put("accountId", account);
                    data.put("byAccountId", by);
                    data.put("participantIds", participantIds);
                    return outbox.append(tx, OutgoingEvent.of(topic, id.toString(), "conversation.updated",
                            "conversations/" + id, data));
                });
    }

    static ConversationView view(Row r) {
        UUID low = r.getUUID("direct_low_account_id");
        return new ConversationView(r.getUUID("id"), r.getString("kind"), r.getString("name"),
                r.getString("posting_role"), r.getString("role"),
                low == null ? null : List.of(low, r.getUUID("direct_high_account_id")),
                r.getLong("participant_count"), r.getLong("last_message_seq"), r.getOffsetDateTime("last_message_at"),
                r.getLong("last_read_seq"), r.getLong("unread"), r.getBoolean("muted"), r.getOffsetDateTime("created_at"));
    }

    static ParticipantView participant(Row r) {
        return new ParticipantView(r.getUUID("account_id"), r.getString("role"), r.getOffsetDateTime("joined_at"),
                r.getLong("last_read_seq"), r.getOffsetDateTime("last_read_at"), r.getBoolean("muted"));
    }
}
