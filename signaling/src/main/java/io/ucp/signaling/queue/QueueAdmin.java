package io.ucp.signaling.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.call.OriginateRequest;
import io.ucp.signaling.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Queue and membership administration (role admin), and queue statistics (admins and the queue's members). */
@ApplicationScoped
public class QueueAdmin {

    static final Set<String> STRATEGIES = Set.of(Queue.RING_ALL, Queue.LONGEST_IDLE, Queue.ROUND_ROBIN,
            Queue.FEWEST_CALLS, Queue.RANDOM);
    private static final TypeReference<Queue> QUEUE = new TypeReference<>() {
    };
    private static final TypeReference<Member> MEMBER = new TypeReference<>() {
    };
    private static final int MAX_NAME = 100;
    private static final int MAX_SECONDS = 86_400;
    private static final String INSERT = "INSERT INTO call_queues AS q (id, name, strategy, max_wait_seconds, max_size, "
            + "wrap_up_seconds, offer_timeout_seconds, max_missed_offers, service_level_seconds, overflow_target, "
            + "created_at, updated_at, action_keys) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $11, $11, "
            + "CASE WHEN $12::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($12::text, $13::text::jsonb) END) "
            + "ON CONFLICT (name) DO NOTHING RETURNING " + QueueStore.QUEUE_COLUMNS;
    private static final String UPDATE = "UPDATE call_queues q SET name = $2, strategy = $3, max_wait_seconds = $4, "
            + "max_size = $5, wrap_up_seconds = $6, offer_timeout_seconds = $7, max_missed_offers = $8, "
            + "service_level_seconds = $9, overflow_target = $10::text::jsonb WHERE id = $1 RETURNING "
            + QueueStore.QUEUE_COLUMNS;
    private static final String STATS = "WITH v AS (SELECT outcome, extract(epoch FROM ended_at - started_at)::float8 "
            + "AS waited FROM call_routing WHERE queue_id = $1 AND target_type = 'queue' AND started_at >= $2 "
            + "AND outcome IS NOT NULL) SELECT count(*) FILTER (WHERE outcome = 'answered') AS answered, "
            + "count(*) FILTER (WHERE outcome = 'cancelled') AS abandoned, "
            + "count(*) FILTER (WHERE outcome = 'timeout') AS timed_out, "
            + "count(*) FILTER (WHERE outcome = 'busy') AS full, "
            + "avg(waited) FILTER (WHERE outcome = 'answered') AS average_wait, "
            + "count(*) FILTER (WHERE outcome = 'answered' AND waited <= $3) AS within, "
            + "count(*) FILTER (WHERE outcome IN ('cancelled', 'timeout') AND waited > $3) AS lost_late, "
            + "(SELECT count(*) FROM call_sessions WHERE queue_id = $1) AS waiting, "
            + "(SELECT extract(epoch FROM $4 - min(queue_entered_at))::float8 FROM call_sessions WHERE queue_id = $1) "
            + "AS longest, "
            + "(SELECT count(*) FROM queue_members WHERE queue_id = $1 AND state = 'available') AS available, "
            + "(SELECT count(*) FROM queue_members WHERE queue_id = $1 AND state IN ('available', 'on-call', 'wrap-up')) "
            + "AS staffed FROM v";

    private final Pool pool;
    private final QueueStore store;
    private final ObjectMapper mapper;

    public QueueAdmin(Pool pool, QueueStore store, ObjectMapper mapper) {
        this.pool = pool;
        this.store = store;
        this.mapper = mapper;
    }

    /** One page of queues by name; {@code nextCursor} null on the last page. */
    public record QueuePage(List<Queue> items, String nextCursor) {
    }

    // ---- queues

    public Uni<Queue> create(Actor actor, QueueRequest request, Idempotency idem) {
        requireAdmin(actor);
        String replayKey = idem == null ? null : idem.storeKey(actor);
        return store.storedResponse(pool, "SELECT (action_keys -> $1)::text FROM call_queues WHERE action_keys ? $1",
                replayKey).chain(stored -> {
            if (stored != null) {
                return Uni.createFrom().item(store.replayed(stored, idem, QUEUE));
            }
            QueueRequest valid = validate(request);
            return checkOverflow(valid, null).chain(() -> {
                UUID id = UUID.randomUUID();
                OffsetDateTime now = CallService.now();
                Queue created = new Queue(id, valid.name(), valid.strategy(), valid.maxWaitSeconds(), valid.maxSize(),
                        valid.wrapUpSeconds(), valid.offerTimeoutSeconds(), valid.maxMissedOffers(),
                        valid.serviceLevelSeconds(), valid.overflowTarget(), now, now);
                String entry = replayKey == null ? null : store.json(Map.of("h", idem.hash(), "r", created));
                return pool.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(id, valid.name(), valid.strategy(),
                        valid.maxWaitSeconds(), valid.maxSize(), valid.wrapUpSeconds(), valid.offerTimeoutSeconds(),
                        valid.maxMissedOffers(), valid.serviceLevelSeconds(), overflowJson(valid), now, replayKey,
                        entry))).map(rows -> {
                            if (rows.size() == 0) {
                                throw ProblemException.conflict("A queue named '" + valid.name() + "' exists");
                            }
                            return store.readQueue(rows.iterator().next());
                        });
            });
        });
    }

    public Uni<Queue> get(Actor actor, UUID id) {
        requireAdmin(actor);
        return store.queue(pool, id, false).map(q -> {
            if (q == null) {
                throw ProblemException.notFound("Queue");
            }
            return q;
        });
    }

    public Uni<QueuePage> list(Actor actor, String cursor, int limit) {
        requireAdmin(actor);
        String after = null;
        if (cursor != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                // A tampered cursor with NUL or control characters would fail in PostgreSQL: 400, not 500.
                if (after.length() > 400 || after.indexOf('\ufffd') >= 0
                        || io.ucp.signaling.input.TextRules.hasControlCharacter(after)) {
                    throw new IllegalArgumentException("not a queue name");
                }
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("cursor", "is not a cursor of this list");
            }
        }
        return pool.preparedQuery("SELECT " + QueueStore.QUEUE_COLUMNS + " FROM call_queues q "
                + "WHERE $1::text IS NULL OR q.name > $1 ORDER BY q.name LIMIT $2")
                .execute(Tuple.of(after, limit + 1)).map(rows -> {
                    List<Queue> items = new ArrayList<>();
                    rows.forEach(r -> items.add(store.readQueue(r)));
                    String next = null;
                    if (items.size() > limit) {
                        items.subList(limit, items.size()).clear();
                        next = Base64.getUrlEncoder().withoutPadding()
                                .encodeToString(items.get(limit - 1).name().getBytes(StandardCharsets.UTF_8));
                    }
                    return new QueuePage(items, next);
                });
    }

    /** Replaces a queue's settings (PUT: absent numbers take the defaults again). */
    public Uni<Queue> update(Actor actor, UUID id, QueueRequest request) {
        requireAdmin(actor);
        QueueRequest valid = validate(request);
        return checkOverflow(valid, id).chain(() -> pool.preparedQuery(UPDATE).execute(Tuple.from(Arrays.asList(id,
                valid.name(), valid.strategy(), valid.maxWaitSeconds(), valid.maxSize(), valid.wrapUpSeconds(),
                valid.offerTimeoutSeconds(), valid.maxMissedOffers(), valid.serviceLevelSeconds(),
                overflowJson(valid)))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Queue");
                    }
                    return store.readQueue(rows.iterator().next());
                }).onFailure(PgException.class).transform(e -> uniqueViolation(e)
                        ? ProblemException.conflict("A queue named '" + valid.name() + "' exists") : e);
    }

    /** Deletes a queue nobody waits in (its members go with it). */
    public Uni<Void> delete(Actor actor, UUID id) {
        requireAdmin(actor);
        return pool.preparedQuery("WITH d AS (DELETE FROM call_queues WHERE id = $1 AND NOT EXISTS "
                + "(SELECT 1 FROM call_sessions WHERE queue_id = $1) RETURNING 1) SELECT (SELECT count(*) FROM d) AS "
                + "deleted, (SELECT count(*) FROM call_queues WHERE id = $1) AS present").execute(Tuple.of(id))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong("deleted") == 1) {
                        return null;
                    }
                    if (r.getLong("present") == 0) {
                        throw ProblemException.notFound("Queue");
                    }
                    throw ProblemException.conflict("Callers are waiting in the queue; it cannot be deleted now");
                }).replaceWithVoid();
    }

    // ---- members

    public Uni<List<Member>> members(Actor actor, UUID queueId) {
        requireAdmin(actor);
        return get(actor, queueId).chain(q -> pool.preparedQuery("SELECT " + QueueStore.MEMBER_COLUMNS
                + " FROM queue_members m WHERE m.queue_id = $1 ORDER BY m.tier, m.priority, m.account_id")
                .execute(Tuple.of(queueId)).map(store::members));
    }

    public Uni<Member> addMember(Actor actor, UUID queueId, MemberRequest request, Idempotency idem) {
        requireAdmin(actor);
        if (request == null || request.accountId() == null) {
            throw ProblemException.badRequest("accountId", "is required");
        }
        int tier = tier(request.tier());
        int priority = priority(request.priority());
        String replayKey = idem == null ? null : idem.storeKey(actor);
        return store.storedResponse(pool, "SELECT (action_keys -> $2)::text FROM queue_members WHERE queue_id = $1 "
                + "AND action_keys ? $2", replayKey, queueId).chain(stored -> {
            if (stored != null) {
                return Uni.createFrom().item(store.replayed(stored, idem, MEMBER));
            }
            return get(actor, queueId).chain(q -> {
                OffsetDateTime now = CallService.now();
                Member added = new Member(queueId, request.accountId(), tier, priority, Member.LOGGED_OUT, now, null,
                        null, null, null, 0, 0, null, 0);
                String entry = replayKey == null ? null : store.json(Map.of("h", idem.hash(), "r", added));
                return pool.preparedQuery("INSERT INTO queue_members AS m (queue_id, account_id, tier, priority, "
                        + "state_changed_at, created_at, updated_at, action_keys) VALUES ($1, $2, $3, $4, $5, $5, $5, "
                        + "CASE WHEN $6::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($6::text, $7::text::jsonb) "
                        + "END) ON CONFLICT (queue_id, account_id) DO NOTHING RETURNING " + QueueStore.MEMBER_COLUMNS)
                        .execute(Tuple.from(Arrays.asList(queueId, request.accountId(), tier, priority, now, replayKey,
                                entry))).map(rows -> {
                                    if (rows.size() == 0) {
                                        throw ProblemException.conflict("The account is already a member of the queue");
                                    }
                                    return store.readMember(rows.iterator().next());
                                });
            });
        });
    }

    /** Changes a member's tier and priority (their state is the agent's, see {@link AgentService}). */
    public Uni<Member> updateMember(Actor actor, UUID queueId, UUID account, MemberRequest request) {
        requireAdmin(actor);
        if (request == null) {
            throw ProblemException.badRequest("tier", "a body with tier and/or priority is required");
        }
        if (request.accountId() != null && !request.accountId().equals(account)) {
            throw ProblemException.badRequest("accountId", "must be the member in the path (or absent)");
        }
        Integer tier = request.tier() == null ? null : tier(request.tier());
        Integer priority = request.priority() == null ? null : priority(request.priority());
        return pool.preparedQuery("UPDATE queue_members m SET tier = coalesce($3, tier), "
                + "priority = coalesce($4, priority), version = version + 1 WHERE queue_id = $1 AND account_id = $2 "
                + "RETURNING " + QueueStore.MEMBER_COLUMNS).execute(Tuple.of(queueId, account, tier, priority))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("Member");
                    }
                    return store.readMember(rows.iterator().next());
                });
    }

    public Uni<Void> removeMember(Actor actor, UUID queueId, UUID account) {
        requireAdmin(actor);
        return pool.preparedQuery("DELETE FROM queue_members WHERE queue_id = $1 AND account_id = $2")
                .execute(Tuple.of(queueId, account)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw ProblemException.notFound("Member");
                    }
                    return null;
                }).replaceWithVoid();
    }

    // ---- statistics

    /** Statistics since {@code since} (default: the last 24 hours); admins and the queue's members. */
    public Uni<QueueStats> stats(Actor actor, UUID queueId, OffsetDateTime since) {
        OffsetDateTime now = CallService.now();
        OffsetDateTime from = since == null ? now.minusDays(1) : since;
        Uni<Boolean> allowed = actor.admin() ? Uni.createFrom().item(true)
                : pool.preparedQuery("SELECT 1 FROM queue_members WHERE queue_id = $1 AND account_id = $2")
                        .execute(Tuple.of(queueId, actor.id())).map(rows -> rows.size() > 0);
        return allowed.chain(ok -> store.queue(pool, queueId, false).map(q -> {
            if (q == null || !ok) {
                // Neither an admin nor a member: as if the queue did not exist.
                throw ProblemException.notFound("Queue");
            }
            return q;
        })).chain(q -> pool.preparedQuery(STATS).execute(Tuple.of(queueId, from, q.serviceLevelSeconds(), now))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    long answered = r.getLong("answered");
                    long within = r.getLong("within");
                    long denominator = answered + r.getLong("lost_late");
                    Double longest = r.getDouble("longest");
                    return new QueueStats(queueId, from, r.getLong("waiting"),
                            longest == null ? 0 : Math.max(0, (long) Math.floor(longest)), answered,
                            r.getLong("abandoned"), r.getLong("timed_out"), r.getLong("full"),
                            r.getDouble("average_wait"), q.serviceLevelSeconds(), within,
                            denominator == 0 ? null : (double) within / denominator, r.getLong("available"),
                            r.getLong("staffed"));
                }));
    }

    // ---- validation

    /** The request with defaults filled in; a 400 naming the first bad field. */
    static QueueRequest validate(QueueRequest r) {
        if (r == null) {
            throw ProblemException.badRequest("name", "a queue body is required");
        }
        if (r.name() == null || r.name().isBlank() || r.name().length() > MAX_NAME) {
            throw ProblemException.badRequest("name", "must be 1 to " + MAX_NAME + " characters");
        }
        String strategy = r.strategy() == null ? Queue.RING_ALL : r.strategy();
        if (!STRATEGIES.contains(strategy)) {
            throw ProblemException.badRequest("strategy",
                    "must be one of ring-all, longest-idle, round-robin, fewest-calls, random");
        }
        OverflowTarget o = r.overflowTarget();
        if (o != null) {
            if (o.type() == null || !Set.of(OverflowTarget.USER, OverflowTarget.QUEUE, OverflowTarget.NUMBER)
                    .contains(o.type())) {
                throw ProblemException.badRequest("overflowTarget.type", "must be user, queue or number");
            }
            boolean ok = switch (o.type()) {
                case OverflowTarget.USER -> o.accountId() != null && o.queueId() == null && o.number() == null;
                case OverflowTarget.QUEUE -> o.queueId() != null && o.accountId() == null && o.number() == null;
                default -> o.number() != null && o.number().matches(OriginateRequest.E164) && o.accountId() == null
                        && o.queueId() == null;
            };
            if (!ok) {
                String field = switch (o.type()) {
                    case OverflowTarget.USER -> "overflowTarget.accountId";
                    case OverflowTarget.QUEUE -> "overflowTarget.queueId";
                    default -> "overflowTarget.number";
                };
                throw ProblemException.badRequest(field, "is required for type " + o.type()
                        + (OverflowTarget.NUMBER.equals(o.type()) ? " (an E.164 number)" : "")
                        + " and the only target given");
            }
        }
        return new QueueRequest(r.name().strip(), strategy,
                range("maxWaitSeconds", r.maxWaitSeconds(), 300, 1, MAX_SECONDS),
                range("maxSize", r.maxSize(), 50, 1, 10_000),
                range("wrapUpSeconds", r.wrapUpSeconds(), 0, 0, 3_600),
                range("offerTimeoutSeconds", r.offerTimeoutSeconds(), 20, 1, 600),
                range("maxMissedOffers", r.maxMissedOffers(), 3, 1, 100),
                range("serviceLevelSeconds", r.serviceLevelSeconds(), 20, 1, MAX_SECONDS), o);
    }

    private Uni<Void> checkOverflow(QueueRequest r, UUID self) {
        OverflowTarget o = r.overflowTarget();
        if (o == null || !OverflowTarget.QUEUE.equals(o.type())) {
            return Uni.createFrom().voidItem();
        }
        if (o.queueId().equals(self)) {
            throw ProblemException.badRequest("overflowTarget.queueId", "must be another queue");
        }
        return store.queue(pool, o.queueId(), false).map(q -> {
            if (q == null) {
                throw ProblemException.badRequest("overflowTarget.queueId", "no such queue");
            }
            return null;
        }).replaceWithVoid();
    }

    private static int range(String field, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw ProblemException.badRequest(field, "must be between " + min + " and " + max);
        }
        return v;
    }

    static int tier(Integer tier) {
        return range("tier", tier, 1, 1, 100);
    }

    static int priority(Integer priority) {
        return range("priority", priority, 0, -1000, 1000);
    }

    private String overflowJson(QueueRequest r) {
        return r.overflowTarget() == null ? null : store.json(r.overflowTarget());
    }

    static void requireAdmin(Actor actor) {
        if (!actor.admin()) {
            throw ProblemException.forbidden("Only admins manage queues");
        }
    }

    private static boolean uniqueViolation(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
