package io.ucp.presence.feed;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.ucp.presence.platform.security.CurrentUser;
import io.ucp.presence.platform.security.RevokedSessions;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Authenticates the feed's HTTP upgrade with identity's access token. Browsers cannot set headers on a WebSocket,
 * so besides {@code Authorization: Bearer} the token may come as the query parameter {@code access_token} or as a
 * {@code Sec-WebSocket-Protocol} entry {@code bearer.<token>} next to the real subprotocol {@code ucp.feed.v1}.
 * A missing, invalid or revoked token gets 401 before any WebSocket exists.
 */
@ApplicationScoped
public class FeedUpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<FeedUser> USER = new UserData.TypedKey<>("ucp.feed.user");
    static final UserData.TypedKey<String> SLOT = UserData.TypedKey.forString("ucp.feed.slot");
    static final String SUBPROTOCOL_PREFIX = "bearer.";

    private final JWTParser parser;
    private final RevokedSessions revoked;
    private final FeedConnections connections;

    public FeedUpgradeCheck(JWTParser parser, RevokedSessions revoked, FeedConnections connections) {
        this.parser = parser;
        this.revoked = revoked;
        this.connections = connections;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return FeedEndpoint.class.getName().equals(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String token = token(context.httpRequest());
        if (token == null) {
            return unauthorized();
        }
        // Parsing may fetch the JWKS (cached); keep it off the event loop.
        return Uni.createFrom().item(() -> parse(token)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(user -> {
                    if (user == null) {
                        return unauthorized();
                    }
                    return revoked.isRevoked(user.sessionId(), user.accountId(), user.issuedAt()).chain(isRevoked -> {
                        if (isRevoked) {
                            return unauthorized();
                        }
                        String slot = UUID.randomUUID().toString();
                        return connections.acquire(user.accountId(), slot).chain(taken -> {
                            if (!taken) {
                                // Over the per-account cap (ucp.feed.max-connections-per-account).
                                return CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of("10")));
                            }
                            context.userData().put(USER, user);
                            context.userData().put(SLOT, slot);
                            return CheckResult.permitUpgrade();
                        });
                    });
                });
    }

    private FeedUser parse(String token) {
        try {
            JsonWebToken jwt = parser.parse(token);
            return new FeedUser(UUID.fromString(jwt.getSubject()), jwt.getClaim(CurrentUser.SESSION_CLAIM),
                    Instant.ofEpochSecond(jwt.getIssuedAtTime()), Instant.ofEpochSecond(jwt.getExpirationTime()));
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    static String token(HttpServerRequest request) {
        String query = request.getParam("access_token");
        if (query != null && !query.isBlank()) {
            return query;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            for (String protocol : protocols.split(",")) {
                String p = protocol.trim();
                if (p.startsWith(SUBPROTOCOL_PREFIX)) {
                    return p.substring(SUBPROTOCOL_PREFIX.length());
                }
            }
        }
        return null;
    }

    private static Uni<CheckResult> unauthorized() {
        return CheckResult.rejectUpgrade(401, Map.of("WWW-Authenticate", List.of("Bearer")));
    }
}
