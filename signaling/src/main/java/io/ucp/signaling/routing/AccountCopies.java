package io.ucp.signaling.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signaling's local copies of other services' per-account facts, fed by their events and kept in Redis (the
 * foundation allows no extra table; the owners' databases stay the source of truth): identity's routing rules,
 * account suspension, the profile's phone number and time zone, presence's current state, and billing's "balance
 * exhausted". Each value carries the CloudEvent sequence it came from (presence: the event's own per-account
 * {@code version}) so a late, older event never overwrites a newer one.
 */
@ApplicationScoped
public class AccountCopies {

    /** What originate needs to know, read with one MGET. */
    public record Facts(JsonNode calleeRules, boolean callerSuspended, boolean calleeSuspended, boolean callerOutOfFunds,
            ZoneId calleeZone, String calleePresence) {
    }

    /** identity's defaults for a profile it has not been told otherwise about. */
    static final ZoneId DEFAULT_ZONE = ZoneOffset.UTC;
    static final String DEFAULT_PRESENCE = "offline";

    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper mapper;
    private final String prefix;

    public AccountCopies(ReactiveRedisDataSource redis, ObjectMapper mapper,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.values = redis.value(String.class);
        this.mapper = mapper;
        this.prefix = prefix + "copy:";
    }

    public Uni<Facts> facts(UUID caller, UUID callee) {
        String rules = key("rules", callee);
        String callerSuspended = key("suspended", caller);
        String calleeSuspended = key("suspended", callee);
        String funds = key("no-funds", caller);
        String zone = key("zone", callee);
        String presence = key("presence", callee);
        return values.mget(rules, callerSuspended, calleeSuspended, funds, zone, presence).map(found -> new Facts(
                read(found.get(rules)).path("value"), flag(found.get(callerSuspended)),
                flag(found.get(calleeSuspended)), flag(found.get(funds)), zone(found.get(zone)),
                text(found.get(presence), DEFAULT_PRESENCE)));
    }

    /** presence's state of each account (offline when unknown, as identity's default), read with one MGET. */
    public Uni<java.util.Map<UUID, String>> presenceOf(java.util.List<UUID> accounts) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        String[] keys = accounts.stream().map(a -> key("presence", a)).toArray(String[]::new);
        return values.mget(keys).map(found -> {
            java.util.Map<UUID, String> states = new java.util.HashMap<>();
            for (int i = 0; i < keys.length; i++) {
                states.put(accounts.get(i), text(found.get(keys[i]), DEFAULT_PRESENCE));
            }
            return states;
        });
    }

    /** identity's profile.updated displayName: call history names its peers with it. */
    public Uni<Void> setDisplayName(UUID account, long sequence, String name) {
        return putIfNewer(key("name", account), sequence, name == null || name.isBlank()
                ? mapper.getNodeFactory().nullNode() : mapper.getNodeFactory().textNode(name));
    }

    /** Display names of the given accounts (absent when identity has not told us one), read with one MGET. */
    public Uni<java.util.Map<UUID, String>> displayNamesOf(java.util.Collection<UUID> accounts) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        java.util.List<UUID> ids = java.util.List.copyOf(accounts);
        String[] keys = ids.stream().map(a -> key("name", a)).toArray(String[]::new);
        return values.mget(keys).map(found -> {
            java.util.Map<UUID, String> names = new java.util.HashMap<>();
            for (int i = 0; i < keys.length; i++) {
                String name = text(found.get(keys[i]), null);
                if (name != null) {
                    names.put(ids.get(i), name);
                }
            }
            return names;
        });
    }

    /** identity's profile.updated timeZone (IANA id). */
    public Uni<Void> setTimeZone(UUID account, long sequence, String zone) {
        return putIfNewer(key("zone", account), sequence, zone == null || zone.isBlank()
                ? mapper.getNodeFactory().nullNode() : mapper.getNodeFactory().textNode(zone));
    }

    /** presence's presence.changed state, guarded by the event's per-account version. */
    public Uni<Void> setPresence(UUID account, long version, String state) {
        return putIfNewer(key("presence", account), version, mapper.getNodeFactory().textNode(state));
    }

    public Uni<Void> putRules(UUID account, long sequence, JsonNode rules) {
        return putIfNewer(key("rules", account), sequence, rules);
    }

    /** The account whose profile phone is {@code e164} (identity's profile.updated), or null. */
    public Uni<UUID> ownerOfNumber(String e164) {
        return values.get(key("number", e164)).map(stored -> {
            JsonNode value = read(stored).path("value");
            return value.isTextual() ? UUID.fromString(value.asText()) : null;
        });
    }

    /** The account's profile phone (E.164), or null: what a call from it presents to the outside as its number. */
    public Uni<String> numberOf(UUID account) {
        return values.get(key("phone", account)).map(stored -> {
            JsonNode value = read(stored).path("value");
            return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
        });
    }

    /** Points the account's phone number at it, and its previous number at nobody. */
    public Uni<Void> setPhone(UUID account, long sequence, String e164) {
        String phoneKey = key("phone", account);
        return values.get(phoneKey).chain(previous -> {
            JsonNode old = read(previous);
            if (previous != null && old.path("seq").asLong(-1) > sequence) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> clear = old.path("value").isTextual()
                    ? values.getdel(key("number", old.path("value").asText())).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            return clear.chain(() -> putIfNewer(phoneKey, sequence, mapper.getNodeFactory().textNode(e164)))
                    .chain(() -> e164 == null || e164.isBlank() ? Uni.createFrom().voidItem()
                            : putIfNewer(key("number", e164), sequence,
                                    mapper.getNodeFactory().textNode(account.toString())));
        });
    }

    /** A feature flag's value for an account: its own setting, else the global one, else null (unknown). */
    public Uni<JsonNode> flag(String flagKey, UUID account) {
        String own = key("flag:" + flagKey, account);
        String global = key("flag:" + flagKey, "global");
        return values.mget(own, global).map(found -> {
            JsonNode mine = read(found.get(own)).path("value");
            if (!mine.isMissingNode() && !mine.isNull()) {
                return mine;
            }
            JsonNode all = read(found.get(global)).path("value");
            return all.isMissingNode() || all.isNull() ? null : all;
        });
    }

    /** identity's feature-flag.changed: value null = the flag was deleted for that scope. */
    public Uni<Void> setFlag(String flagKey, UUID accountOrNull, long sequence, JsonNode value) {
        return putIfNewer(key("flag:" + flagKey, accountOrNull == null ? "global" : accountOrNull), sequence,
                value == null ? mapper.getNodeFactory().nullNode() : value);
    }

    public Uni<Void> setSuspended(UUID account, long sequence, boolean suspended) {
        return putIfNewer(key("suspended", account), sequence, mapper.getNodeFactory().booleanNode(suspended));
    }

    public Uni<Void> setOutOfFunds(UUID account, long sequence, boolean outOfFunds) {
        return putIfNewer(key("no-funds", account), sequence, mapper.getNodeFactory().booleanNode(outOfFunds));
    }

    /** One consumer per partition (= per account key) writes these, so read-then-write does not race. */
    private Uni<Void> putIfNewer(String key, long sequence, JsonNode value) {
        return values.get(key).chain(current -> {
            if (current != null && read(current).path("seq").asLong(-1) > sequence) {
                return Uni.createFrom().voidItem();
            }
            String json = mapper.createObjectNode().put("seq", sequence).set("value", value).toString();
            return values.set(key, json);
        });
    }

    private JsonNode read(String stored) {
        if (stored == null) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(stored);
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }

    private ZoneId zone(String stored) {
        String id = text(stored, null);
        try {
            return id == null ? DEFAULT_ZONE : ZoneId.of(id);
        } catch (DateTimeException e) {
            // identity validates zones against its tz database; one this JVM lacks reads as identity's default.
            Log.warnf("Unknown time zone %s in a profile copy, using UTC", id);
            return DEFAULT_ZONE;
        }
    }

    private String text(String stored, String fallback) {
        JsonNode value = read(stored).path("value");
        return value.isTextual() ? value.asText() : fallback;
    }

    private boolean flag(String stored) {
        return read(stored).path("value").asBoolean(false);
    }

    private String key(String kind, Object id) {
        return prefix + kind + ":" + id;
    }

}
