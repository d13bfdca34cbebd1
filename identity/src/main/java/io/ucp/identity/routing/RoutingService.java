package io.ucp.identity.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.account.IdentityEvents;
import io.ucp.identity.platform.outbox.OutboxWriter;
import io.ucp.identity.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An account's ordered inbound-call rules and the resolution of a call into a plan. Every change publishes
 * routing-rules.changed with the full ordered list (as GET returns it), so signaling can keep its own copy.
 * Writes lock the account row, so concurrent edits of one account's list serialise.
 */
@ApplicationScoped
public class RoutingService {

    static final int MAX_RULES = 50;
    private static final String COLUMNS = "id, position, name, enabled, conditions::text AS conditions, "
            + "action::text AS action, created_at, updated_at, version";
    private static final RuleAction RING_ALL = new RuleAction("ring", null, 30, null, null, null, null);

    private final Pool pool;
    private final OutboxWriter outbox;
    private final IdentityEvents events;
    private final ObjectMapper mapper;

    public RoutingService(Pool pool, OutboxWriter outbox, IdentityEvents events, ObjectMapper mapper) {
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
        this.mapper = mapper;
    }

    public record Draft(String name, Boolean enabled, RuleConditions conditions, RuleAction action, Integer position) {
    }

    // Spelled out rather than a reference: OpenAPI 3.0 cannot make a $ref nullable.
    public record Step(@Schema(implementation = String.class, format = "uuid", nullable = true,
            description = "null for the default route (no rule matched)") UUID ruleId,
            RuleAction action) {
    }

    public record Plan(UUID calleeAccountId, String timeZone,
            @Schema(enumeration = {"available", "away", "busy", "dnd", "on-call", "offline", "appear-offline"})
            String presence, Instant evaluatedAt,
            List<UUID> matchedRuleIds, List<Step> steps, boolean defaultRoute) {
    }

    public Uni<List<RoutingRule>> list(UUID accountId) {
        return rules(pool, accountId);
    }

    public Uni<RoutingRule> get(UUID accountId, UUID ruleId) {
        return list(accountId).map(rules -> rules.stream().filter(r -> r.id().equals(ruleId)).findFirst().orElse(null))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Routing rule"));
    }

    public Uni<RoutingRule> create(UUID accountId, Draft draft) {
        RuleAction action = RuleValidator.validate(draft.conditions(), draft.action());
        return pool.withTransaction(tx -> lock(tx, accountId)
                .chain(() -> checkDevices(tx, accountId, action))
                .chain(() -> rules(tx, accountId))
                .chain(existing -> {
                    if (existing.size() >= MAX_RULES) {
                        return Uni.createFrom().failure(ProblemException.conflict(
                                "At most " + MAX_RULES + " routing rules per account"));
                    }
                    int position = draft.position() == null ? existing.size() : draft.position();
                    if (position < 0 || position > existing.size()) {
                        return Uni.createFrom().failure(ProblemException.badRequest("position",
                                "must be between 0 and " + existing.size()));
                    }
                    return tx.preparedQuery("UPDATE routing_rules SET position = position + 1 WHERE account_id = $1 "
                                    + "AND position >= $2").execute(Tuple.of(accountId, position))
                            .chain(() -> tx.preparedQuery("INSERT INTO routing_rules (account_id, position, name, "
            + "enabled, "
                                    + "conditions, action) VALUES ($1, $2, $3, $4, $5::text::jsonb, "
            + "$6::text::jsonb) RETURNING id")
                                    .execute(Tuple.of(accountId, position, draft.name(),
                                            draft.enabled() == null || draft.enabled(),
                                            json(RuleValidator.canonical(draft.conditions())),
                                            json(action))))
                            .map(rows -> rows.iterator().next().getUUID("id"));
                })
                .chain(id -> published(tx, accountId).map(rules -> find(rules, id))));
    }

    public Uni<RoutingRule> update(UUID accountId, UUID ruleId, Draft draft) {
        RuleAction action = RuleValidator.validate(draft.conditions(), draft.action());
        return pool.withTransaction(tx -> lock(tx, accountId)
                .chain(() -> checkDevices(tx, accountId, action))
                .chain(() -> tx.preparedQuery("UPDATE routing_rules SET name = $3, enabled = $4, "
                                + "conditions = $5::text::jsonb, action = $6::text::jsonb, version = version + 1 "
                                + "WHERE id = $1 AND account_id = $2")
                        .execute(Tuple.of(ruleId, accountId, draft.name(), draft.enabled() == null || draft.enabled(),
                                json(RuleValidator.canonical(draft.conditions())),
                                json(action))))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().failure(ProblemException.notFound("Routing "
            + "rule"))
                        : published(tx, accountId).map(rules -> find(rules, ruleId))));
    }

    public Uni<Void> delete(UUID accountId, UUID ruleId) {
        return pool.withTransaction(tx -> lock(tx, accountId)
                .chain(() -> tx.preparedQuery("DELETE FROM routing_rules WHERE id = $1 AND account_id = $2 "
            + "RETURNING position")
                        .execute(Tuple.of(ruleId, accountId)))
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().failure(ProblemException.notFound("Routing rule"))
                        : tx.preparedQuery("UPDATE routing_rules SET position = position - 1 WHERE account_id = $1 "
                                + "AND position > "
            + "$2").execute(Tuple.of(accountId, rows.iterator().next().getInteger(0)))
                                .chain(() -> published(tx, accountId))))
                .replaceWithVoid();
    }

    /** Reorders the whole list: {@code ids} must be exactly the account's rule ids. */
    public Uni<List<RoutingRule>> reorder(UUID accountId, List<UUID> ids) {
        return pool.withTransaction(tx -> lock(tx, accountId)
                .chain(() -> rules(tx, accountId))
                .chain(existing -> {
                    Set<UUID> current = new HashSet<>(existing.stream().map(RoutingRule::id).toList());
                    if (ids.size() != current.size() || !current.equals(new HashSet<>(ids))) {
                        return Uni.createFrom().failure(ProblemException.badRequest("ruleIds",
                                "must list each of your rule ids exactly once"));
                    }
                    List<Tuple> moves = new ArrayList<>();
                    for (int i = 0; i < ids.size(); i++) {
                        moves.add(Tuple.of(ids.get(i), i));
                    }
                    // The unique (account, position) constraint is deferred: swaps settle at commit.
                    return moves.isEmpty() ? Uni.createFrom().voidItem()
                            : tx.preparedQuery("UPDATE routing_rules SET position = $2 WHERE id = "
            + "$1").executeBatch(moves)
                                    .replaceWithVoid();
                })
                .chain(() -> published(tx, accountId)));
    }

    /** The plan for a call to {@code callee}: matching rules in order, up to the first that ends the call's routing. */
    public Uni<Plan> resolve(UUID callee, String callerNumber, Instant at) {
        return pool.preparedQuery("SELECT p.time_zone, p.presence_status FROM user_profiles p JOIN accounts a "
                        + "ON a.id = p.account_id WHERE p.account_id = $1 AND a.status = "
            + "'active'").execute(Tuple.of(callee))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ProblemException.notFound("Callee"));
                    }
                    Row profile = rows.iterator().next();
                    String zone = profile.getString("time_zone");
                    String presence = profile.getString("presence_status");
                    return rules(pool, callee).chain(rules -> devices(callee).map(devices ->
                            plan(callee, ZoneId.of(zone), presence, callerNumber, at, rules, devices)));
                });
    }

    static Plan plan(UUID callee, ZoneId zone, String presence, String callerNumber, Instant at,
            List<RoutingRule> rules, List<UUID> devices) {
        List<UUID> matched = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        for (RoutingRule rule : rules) {
            if (!rule.enabled() || !RuleMatcher.matches(rule.conditions(), at, zone, callerNumber, presence)) {
                continue;
            }
            matched.add(rule.id());
            steps.add(new Step(rule.id(), expand(rule.action(), devices)));
            if (rule.action().terminal()) {
                break;
            }
        }
        boolean defaultRoute = steps.isEmpty();
        if (defaultRoute) {
            steps.add(new Step(null, expand(RING_ALL, devices)));
        }
        return new Plan(callee, zone.getId(), presence, at, matched, steps, defaultRoute);
    }

    /** "Ring all" becomes the callee's current devices; removed devices drop out of a rule's list. */
    private static RuleAction expand(RuleAction action, List<UUID> devices) {
        if (!"ring".equals(action.type())) {
            return action;
        }
        List<UUID> ids = action.deviceIds() == null ? devices
                : action.deviceIds().stream().filter(devices::contains).toList();
        return new RuleAction("ring", ids, action.timeoutSeconds(), null, null, null, null);
    }

    private Uni<List<UUID>> devices(UUID accountId) {
        return pool.preparedQuery("SELECT id FROM user_devices WHERE account_id = $1 ORDER BY created_at, id")
                .execute(Tuple.of(accountId)).map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    return ids;
                });
    }

    private Uni<Void> lock(SqlClient tx, UUID accountId) {
        return tx.preparedQuery("SELECT 1 FROM accounts WHERE id = $1 AND status = 'active' FOR UPDATE")
                .execute(Tuple.of(accountId))
                .chain(rows -> rows.size() == 0 ? Uni.createFrom().failure(ProblemException.notFound("Account"))
                        : Uni.createFrom().voidItem());
    }

    /** Ring targets must be the account's own devices; a forward target must be another active account. */
    private Uni<Void> checkDevices(SqlClient tx, UUID accountId, RuleAction action) {
        if (action.toAccountId() != null) {
            if (action.toAccountId().equals(accountId)) {
                return Uni.createFrom().failure(ProblemException.badRequest("action.toAccountId",
                        "must be another user (use ring for your own devices)"));
            }
            return tx.preparedQuery("SELECT 1 FROM accounts WHERE id = $1 AND status = 'active'")
                    .execute(Tuple.of(action.toAccountId()))
                    .chain(rows -> rows.size() == 1 ? Uni.createFrom().voidItem()
                            : Uni.createFrom().failure(ProblemException.badRequest("action.toAccountId",
                                    "must be the id of an active user")));
        }
        if (action.deviceIds() == null) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("SELECT count(*) FROM user_devices WHERE account_id = $1 AND id = ANY($2)")
                .execute(Tuple.of(accountId, action.deviceIds().toArray(UUID[]::new)))
                .chain(rows -> rows.iterator().next().getLong(0) == action.deviceIds().size() ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(ProblemException.badRequest("action.deviceIds",
                                "must be ids of your own devices")));
    }

    /** Reads the list after a change and appends routing-rules.changed with it, in the same transaction. */
    private Uni<List<RoutingRule>> published(SqlClient tx, UUID accountId) {
        return rules(tx, accountId).call(rules -> outbox.append(tx, events.of(accountId, "routing-rules.changed",
                Map.of("accountId", accountId, "rules", rules))));
    }

    private Uni<List<RoutingRule>> rules(SqlClient client, UUID accountId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM routing_rules WHERE account_id = $1 ORDER BY position")
                .execute(Tuple.of(accountId)).map(rows -> {
                    List<RoutingRule> rules = new ArrayList<>();
                    for (Row row : rows) {
                        rules.add(new RoutingRule(row.getUUID("id"), row.getInteger("position"), row.getString("name"),
                                row.getBoolean("enabled"), read(row.getString("conditions"), RuleConditions.class),
                                read(row.getString("action"), RuleAction.class), row.getOffsetDateTime("created_at"),
                                row.getOffsetDateTime("updated_at"), row.getLong("version")));
                    }
                    return rules;
                });
    }

    private static RoutingRule find(List<RoutingRule> rules, UUID id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable stored routing rule", e);
        }
    }
}
