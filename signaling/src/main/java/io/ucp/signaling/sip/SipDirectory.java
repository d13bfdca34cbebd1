package io.ucp.signaling.sip;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * SIP devices' credentials and registrations in Redis, shared by every signaling instance. Credentials come from
 * identity's events ({@code cred:<username>} → device, account, HA1; {@code cred-device:<device>} → username;
 * {@code cred-account:<account>} → device ids) and leave with the device or the account. Registrations:
 * {@code reg:<device>} hash contact URI → "expiresAtMillis source", the key expiring with its last contact.
 */
@ApplicationScoped
public class SipDirectory {

    /** A SIP device's credentials. */
    public record Credential(String username, UUID deviceId, UUID accountId, String ha1) {
    }

    /** One registered contact. */
    public record Contact(String uri, long expiresAtMillis, String source) {
    }

    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSetCommands<String, String> sets;
    private final ReactiveKeyCommands<String> keys;
    private final String prefix;

    public SipDirectory(ReactiveRedisDataSource redis, @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.hashes = redis.hash(String.class);
        this.values = redis.value(String.class);
        this.sets = redis.set(String.class);
        this.keys = redis.key();
        this.prefix = prefix + "sip:";
    }

    public Uni<Void> putCredential(Credential credential) {
        return hashes.hset(prefix + "cred:" + credential.username(), Map.of("device", credential.deviceId().toString(),
                        "account", credential.accountId().toString(), "ha1", credential.ha1()))
                .chain(() -> values.set(prefix + "cred-device:" + credential.deviceId(), credential.username()))
                .chain(() -> sets.sadd(prefix + "cred-account:" + credential.accountId(),
                        credential.deviceId().toString()))
                .replaceWithVoid();
    }

    public Uni<Credential> credential(String username) {
        return hashes.hgetall(prefix + "cred:" + username).map(fields -> fields == null || !fields.containsKey("ha1")
                ? null
                : new Credential(username, UUID.fromString(fields.get("device")), UUID.fromString(fields.get("account")),
                        fields.get("ha1")));
    }

    /** Forgets a device: its credentials and every registration (the device was removed or disabled). */
    public Uni<Void> removeDevice(UUID deviceId) {
        String byDevice = prefix + "cred-device:" + deviceId;
        return values.get(byDevice).chain(username -> {
            List<String> gone = new ArrayList<>(List.of(byDevice, prefix + "reg:" + deviceId));
            if (username != null) {
                gone.add(prefix + "cred:" + username);
            }
            return keys.del(gone.toArray(String[]::new));
        }).replaceWithVoid();
    }

    /** Forgets every SIP device of an account (suspended or deleted). */
    public Uni<Void> removeAccount(UUID accountId) {
        String byAccount = prefix + "cred-account:" + accountId;
        return sets.smembers(byAccount).chain(devices -> {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (String device : devices) {
                all = all.chain(() -> removeDevice(UUID.fromString(device)));
            }
            return all;
        }).chain(() -> keys.del(byAccount)).replaceWithVoid();
    }

    /** The device's contacts still valid now (expired ones are dropped from the hash). */
    public Uni<List<Contact>> contacts(UUID deviceId) {
        String key = prefix + "reg:" + deviceId;
        return hashes.hgetall(key).chain(fields -> {
            long now = System.currentTimeMillis();
            List<Contact> live = new ArrayList<>();
            List<String> expired = new ArrayList<>();
            fields.forEach((uri, value) -> {
                String[] parts = value.split(" ", 2);
                long expiresAt = Long.parseLong(parts[0]);
                if (expiresAt > now) {
                    live.add(new Contact(uri, expiresAt, parts.length > 1 ? parts[1] : ""));
                } else {
                    expired.add(uri);
                }
            });
            Uni<Void> prune = expired.isEmpty() ? Uni.createFrom().voidItem()
                    : hashes.hdel(key, expired.toArray(String[]::new)).replaceWithVoid();
            return prune.replaceWith(live);
        });
    }

    /**
     * Applies one REGISTER: {@code bindings} (contact URI → seconds, 0 = remove), or all removed when
     * {@code removeAll}. The key lives as long as its longest binding.
     */
    public Uni<List<Contact>> register(UUID deviceId, Map<String, Integer> bindings, boolean removeAll, String source) {
        String key = prefix + "reg:" + deviceId;
        if (removeAll) {
            return keys.del(key).replaceWith(List.of());
        }
        long now = System.currentTimeMillis();
        Uni<Void> apply = Uni.createFrom().voidItem();
        for (Map.Entry<String, Integer> binding : bindings.entrySet()) {
            apply = binding.getValue() == 0
                    ? apply.chain(() -> hashes.hdel(key, binding.getKey()).replaceWithVoid())
                    : apply.chain(() -> hashes.hset(key, binding.getKey(),
                            (now + binding.getValue() * 1000L) + " " + source).replaceWithVoid());
        }
        return apply.chain(() -> contacts(deviceId)).call(live -> {
            if (live.isEmpty()) {
                return keys.del(key);
            }
            long last = live.stream().mapToLong(Contact::expiresAtMillis).max().orElse(now);
            return keys.pexpire(key, Duration.ofMillis(Math.max(1, last - now)));
        });
    }

    /** Counts one failed digest attempt from {@code source}; returns the count within the window. */
    public Uni<Long> countFailure(String source, Duration window) {
        String key = prefix + "fail:" + source;
        return values.incr(key).call(count -> count == 1 ? keys.pexpire(key, window) : Uni.createFrom().voidItem());
    }

    public Uni<Long> failures(String source) {
        return values.get(prefix + "fail:" + source).map(v -> v == null ? 0L : Long.parseLong(v));
    }

    /** Marks a nonce used; false when it already was (a replay). */
    public Uni<Boolean> useNonce(String nonce, Duration ttl) {
        return values.setnx(prefix + "nonce:" + nonce, "1")
                .call(fresh -> fresh ? keys.pexpire(prefix + "nonce:" + nonce, ttl) : Uni.createFrom().voidItem());
    }
}
