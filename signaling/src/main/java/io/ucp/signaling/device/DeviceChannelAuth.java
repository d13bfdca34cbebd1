package io.ucp.signaling.device;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.ucp.signaling.platform.security.CurrentUser;
import io.ucp.signaling.platform.security.RevokedSessions;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Authenticates the device channel's HTTP upgrade with identity's access token, so a browser can connect:
 * <ul>
 * <li>query parameter {@code access_token=<jwt>} (browsers cannot set headers on a WebSocket), or</li>
 * <li>{@code Sec-WebSocket-Protocol: ucp.v1, ucp.bearer.<jwt>} (keeps the token out of URLs and access logs;
 * the server selects {@code ucp.v1}), or</li>
 * <li>{@code Authorization: Bearer <jwt>} for non-browser clients.</li>
 * </ul>
 * plus {@code deviceId=<uuid>}, and {@code kind=trunk} for a SIP gateway (token with role gateway or admin).
 * Devices are identity's: a user device connects only when it is registered to the token's account in signaling's
 * copy of identity's devices ({@link DeviceCopies}); an unknown id, or another account's, is refused with 403 (the
 * same answer for both, so ids cannot be probed). Trunks are not identity devices: the first gateway account to
 * connect a trunk id claims it (kept in Redis), another account presenting it is refused (403).
 */
@ApplicationScoped
public class DeviceChannelAuth implements HttpUpgradeCheck {

    public static final UserData.TypedKey<String> ACCOUNT = UserData.TypedKey.forString("ucp.account");
    public static final UserData.TypedKey<String> DEVICE = UserData.TypedKey.forString("ucp.device");
    public static final UserData.TypedKey<Boolean> TRUNK = UserData.TypedKey.forBoolean("ucp.trunk");
    /** The token's session (identity's {@code sid}), so a revoked session's channel can be found and closed. */
    public static final UserData.TypedKey<String> SESSION = UserData.TypedKey.forString("ucp.session");
    public static final UserData.TypedKey<Long> ISSUED_AT = UserData.TypedKey.forLong("ucp.issued-at");
    /** Roles allowed to connect a gateway (trunk) device: an admin-managed service account. */
    static final java.util.Set<String> TRUNK_ROLES = java.util.Set.of("gateway", CurrentUser.ADMIN);
    static final String BEARER_PROTOCOL = "ucp.bearer.";

    private final JWTParser parser;
    private final RevokedSessions revoked;
    private final DeviceCopies devices;
    private final ReactiveValueCommands<String, String> values;
    private final String ownerPrefix;

    public DeviceChannelAuth(JWTParser parser, RevokedSessions revoked, DeviceCopies devices,
            ReactiveRedisDataSource redis, @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.parser = parser;
        this.revoked = revoked;
        this.devices = devices;
        this.values = redis.value(String.class);
        this.ownerPrefix = prefix + "device-owner:";
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return endpointId.equals(DeviceChannel.class.getName());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        String token = token(request);
        UUID device;
        try {
            device = UUID.fromString(request.getParam("deviceId", ""));
        } catch (IllegalArgumentException e) {
            return CheckResult.rejectUpgrade(400);
        }
        if (token == null) {
            return CheckResult.rejectUpgrade(401);
        }
        boolean trunk = "trunk".equals(request.getParam("kind"));
        // Verification may fetch identity's JWKS: keep it off the event loop.
        return Uni.createFrom().item(() -> verify(token)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(jwt -> {
                    if (jwt == null) {
                        return CheckResult.rejectUpgrade(401);
                    }
                    UUID account = UUID.fromString(jwt.getSubject());
                    if (trunk && jwt.getGroups().stream().noneMatch(TRUNK_ROLES::contains)) {
                        return CheckResult.rejectUpgrade(403);
                    }
                    return revoked.isRevoked(jwt.getClaim(CurrentUser.SESSION_CLAIM), account,
                            Instant.ofEpochSecond(jwt.getIssuedAtTime())).chain(isRevoked -> isRevoked
                                    ? CheckResult.rejectUpgrade(401)
                                    : (trunk ? claimTrunk(device, account) : devices.isRegisteredTo(device, account))
                                            .chain(owned -> {
                                        if (!owned) {
                                            return CheckResult.rejectUpgrade(403);
                                        }
                                        context.userData().put(ACCOUNT, account.toString());
                                        context.userData().put(DEVICE, device.toString());
                                        context.userData().put(TRUNK, trunk);
                                        String session = jwt.getClaim(CurrentUser.SESSION_CLAIM);
                                        if (session != null) {
                                            context.userData().put(SESSION, session);
                                        }
                                        context.userData().put(ISSUED_AT, jwt.getIssuedAtTime());
                                        return CheckResult.permitUpgrade();
                                    }));
                });
    }

    /** True when the trunk id is (now) associated with this gateway account. */
    private Uni<Boolean> claimTrunk(UUID device, UUID account) {
        String key = ownerPrefix + device;
        return values.setnx(key, account.toString())
                .chain(set -> set ? Uni.createFrom().item(true)
                        : values.get(key).map(owner -> account.toString().equals(owner)));
    }

    private JsonWebToken verify(String token) {
        try {
            JsonWebToken jwt = parser.parse(token);
            UUID.fromString(jwt.getSubject());
            return jwt;
        } catch (ParseException | RuntimeException e) {
            Log.debugf("Device channel token refused: %s", e.getMessage());
            return null;
        }
    }

    private static String token(HttpServerRequest request) {
        String query = request.getParam("access_token");
        if (query != null && !query.isBlank()) {
            return query;
        }
        String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            for (String protocol : protocols.split(",")) {
                String p = protocol.trim();
                if (p.startsWith(BEARER_PROTOCOL)) {
                    return p.substring(BEARER_PROTOCOL.length());
                }
            }
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }
}
