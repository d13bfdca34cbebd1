package io.ucp.identity.device;

import io.smallrye.mutiny.Uni;
import io.ucp.identity.account.IdentityEvents;
import io.ucp.identity.config.IdentityConfig;
import io.ucp.identity.platform.outbox.OutboxWriter;
import io.ucp.identity.platform.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A user's devices: register (with SIP credentials for SIP phones), list, rename, remove, last seen. */
@ApplicationScoped
public class DeviceService {

    public static final Set<String> TYPES = Set.of("web", "mobile", "desktop", "sip");

    private final Pool pool;
    private final OutboxWriter outbox;
    private final IdentityEvents events;
    private final IdentityConfig.Devices config;
    private final SipCredentialSeal seal;
    private final SecureRandom random = new SecureRandom();

    public DeviceService(Pool pool, OutboxWriter outbox, IdentityEvents events, IdentityConfig config,
            SipCredentialSeal seal) {
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
        this.config = config.devices();
        this.seal = seal;
    }

    public Uni<Device> register(UUID accountId, String type, String name, String pushToken) {
        if (!TYPES.contains(type)) {
            throw ProblemException.badRequest("type", "must be one of web, mobile, desktop, sip");
        }
        Device.SipCredentials credentials = "sip".equals(type) ? newCredentials() : null;
        String ha1 = credentials == null ? null
                : md5Hex(credentials.username() + ":" + credentials.realm() + ":" + credentials.password());
        // The account row lock serialises concurrent registrations, so the cap holds under races.
        return pool.withTransaction(tx -> tx.preparedQuery("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(accountId))
                .chain(() -> tx.preparedQuery("SELECT count(*) FROM user_devices WHERE account_id = $1")
                        .execute(Tuple.of(accountId)))
                .chain(count -> {
                    if (count.iterator().next().getLong(0) >= config.maxPerAccount()) {
                        return Uni.createFrom().failure(ProblemException.conflict(
                                "At most " + config.maxPerAccount() + " devices per account; remove one first"));
                    }
                    return tx.preparedQuery("INSERT INTO user_devices (account_id, type, name, push_token, "
                            + "sip_username, sip_password_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + Device.COLUMNS)
                            .execute(Tuple.of(accountId, type, name.strip(), pushToken,
                                    credentials == null ? null : credentials.username(), ha1));
                })
                .map(rows -> Device.from(rows.iterator().next()))
                .call(device -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("accountId", accountId);
                    data.put("deviceId", device.id());
                    data.put("type", device.type());
                    data.put("name", device.name());
                    if (credentials != null) {
                        // signaling's registrar checks digests against HA1; only it can open the seal.
                        data.put("sipUsername", credentials.username());
                        data.put("sipRealm", credentials.realm());
                        data.put("sipHa1Sealed", seal.seal(device.id(), ha1));
                    }
                    return outbox.append(tx, events.of(accountId, "device.registered", data));
                }))
                .map(device -> device.withCredentials(credentials));
    }

    public Uni<List<Device>> list(UUID accountId) {
        return pool.preparedQuery("SELECT " + Device.COLUMNS + " FROM user_devices WHERE account_id = $1 "
                + "ORDER BY created_at, id").execute(Tuple.of(accountId)).map(rows -> {
                    List<Device> devices = new ArrayList<>();
                    for (Row row : rows) {
                        devices.add(Device.from(row));
                    }
                    return devices;
                });
    }

    /** The caller's device; another account's device is indistinguishable from a missing one (404). */
    public Uni<Device> get(UUID accountId, UUID deviceId) {
        return one(pool.preparedQuery("SELECT " + Device.COLUMNS + " FROM user_devices WHERE id = $1 AND account_id = $2")
                .execute(Tuple.of(deviceId, accountId)));
    }

    public Uni<Device> update(UUID accountId, UUID deviceId, String name, String pushToken) {
        if (name != null && name.isBlank()) {
            throw ProblemException.badRequest("name", "must not be blank");
        }
        return one(pool.preparedQuery("UPDATE user_devices SET name = coalesce($3, name), "
                + "push_token = CASE WHEN $4::text IS NULL THEN push_token WHEN $4 = '' THEN NULL ELSE $4 END "
                + "WHERE id = $1 AND account_id = $2 RETURNING " + Device.COLUMNS)
                .execute(Tuple.of(deviceId, accountId, name == null ? null : name.strip(), pushToken)));
    }

    /** The device reports in (app start, push receipt, SIP REGISTER): last seen = now. */
    public Uni<Device> seen(UUID accountId, UUID deviceId) {
        return one(pool.preparedQuery("UPDATE user_devices SET last_seen_at = now() WHERE id = $1 AND account_id = $2 "
                + "RETURNING " + Device.COLUMNS).execute(Tuple.of(deviceId, accountId)));
    }

    public Uni<Void> remove(UUID accountId, UUID deviceId) {
        return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM user_devices WHERE id = $1 AND account_id = $2")
                .execute(Tuple.of(deviceId, accountId))
                .chain(rows -> rows.rowCount() == 0 ? Uni.createFrom().failure(ProblemException.notFound("Device"))
                        : outbox.append(tx, events.of(accountId, "device.removed",
                                Map.of("accountId", accountId, "deviceId", deviceId)))));
    }

    private static Uni<Device> one(Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> query) {
        return query.map(rows -> rows.size() == 0 ? null : Device.from(rows.iterator().next()))
                .onItem().ifNull().failWith(() -> ProblemException.notFound("Device"));
    }

    private Device.SipCredentials newCredentials() {
        byte[] user = new byte[8];
        byte[] secret = new byte[18];
        random.nextBytes(user);
        random.nextBytes(secret);
        return new Device.SipCredentials("sip-" + HexFormat.of().formatHex(user),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret), config.sipRealm());
    }

    /** SIP digest authentication (RFC 3261 / 2617) verifies against HA1 = MD5(username:realm:password). */
    static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
