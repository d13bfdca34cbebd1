package io.ucp.signaling.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signaling's copy of identity's devices (device id → account, type), fed by identity's {@code device.registered},
 * {@code device.removed} and {@code account.deleted} (see {@link DeviceCopyListener}) and kept in Redis: only a
 * device registered to an account may connect the device channel as that account. Identity stays the source of
 * truth; as for the other copies, each entry carries the CloudEvent sequence it came from and an older event never
 * overwrites a newer one. A removed device leaves a tombstone (with its sequence) for a while, so a late, older
 * {@code device.registered} cannot bring it back.
 */
@ApplicationScoped
public class DeviceCopies {

    /** A registered device as identity knows it. */
    public record Owner(UUID accountId, String type) {
    }

    static final Duration TOMBSTONE_TTL = Duration.ofDays(7);

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveSetCommands<String, String> sets;
    private final ObjectMapper mapper;
    private final String prefix;

    public DeviceCopies(ReactiveRedisDataSource redis, ObjectMapper mapper,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.values = redis.value(String.class);
        this.sets = redis.set(String.class);
        this.mapper = mapper;
        this.prefix = prefix + "copy:";
    }

    /** The account the device is registered to, or null (unknown or removed). */
    public Uni<Owner> ownerOf(UUID device) {
        return values.get(deviceKey(device)).map(stored -> {
            JsonNode entry = read(stored);
            if (entry == null || !entry.path("accountId").isTextual()) {
                return null;
            }
            return new Owner(UUID.fromString(entry.path("accountId").asText()), entry.path("type").asText(null));
        });
    }

    /** True when {@code device} is registered to {@code account}. */
    public Uni<Boolean> isRegisteredTo(UUID device, UUID account) {
        return ownerOf(device).map(owner -> owner != null && owner.accountId().equals(account));
    }

    /** One consumer per partition (= per account key) writes an account's devices, so read-then-write does not race. */
    public Uni<Void> registered(UUID account, UUID device, String type, long sequence) {
        return newer(device, sequence).chain(newer -> {
            if (!newer) {
                return Uni.createFrom().voidItem();
            }
            String json = mapper.createObjectNode().put("seq", sequence).put("accountId", account.toString())
                    .put("type", type).toString();
            return values.set(deviceKey(device), json).chain(() -> sets.sadd(accountKey(account), device.toString()))
                    .replaceWithVoid();
        });
    }

    /** The device is gone; true when this event removed it (it was not already removed by a newer event). */
    public Uni<Boolean> removed(UUID account, UUID device, long sequence) {
        return newer(device, sequence).chain(newer -> {
            if (!newer) {
                return Uni.createFrom().item(false);
            }
            String json = mapper.createObjectNode().put("seq", sequence).put("removed", true).toString();
            return values.set(deviceKey(device), json, new SetArgs().px(TOMBSTONE_TTL))
                    .chain(() -> sets.srem(accountKey(account), device.toString())).replaceWith(true);
        });
    }

    /** A deleted account's devices are all removed. */
    public Uni<Void> accountDeleted(UUID account, long sequence) {
        return sets.smembers(accountKey(account)).chain((Set<String> devices) -> Multi.createFrom().iterable(devices)
                .onItem().transformToUniAndConcatenate(d -> removed(account, UUID.fromString(d), sequence))
                .collect().asList())
                .replaceWithVoid();
    }

    private Uni<Boolean> newer(UUID device, long sequence) {
        return values.get(deviceKey(device)).map(stored -> {
            JsonNode entry = read(stored);
            return entry == null || entry.path("seq").asLong(-1) <= sequence;
        });
    }

    private JsonNode read(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return mapper.readTree(stored);
        } catch (Exception e) {
            return null;
        }
    }

    private String deviceKey(UUID device) {
        return prefix + "device:" + device;
    }

    private String accountKey(UUID account) {
        return prefix + "devices-of:" + account;
    }
}
