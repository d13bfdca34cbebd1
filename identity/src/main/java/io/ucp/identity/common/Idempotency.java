package io.ucp.identity.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.config.IdentityConfig;
import io.ucp.identity.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Idempotency-Key for POSTs that create or act. The first response (status + body) is kept in Redis with the hash
 * of the request for {@code ucp.identity.idempotency-ttl}; a replay with the same key and request gets it back
 * without a second effect, the same key with another request is a 422. A key being processed is claimed first
 * (SET NX), so two concurrent requests do not both run: the second gets 409. Redis holds only the replay copy, the
 * state itself is in PostgreSQL.
 */
@ApplicationScoped
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    private static final String PENDING = "pending";

    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper mapper;
    private final String prefix;
    private final IdentityConfig config;

    public Idempotency(ReactiveRedisDataSource redis, ObjectMapper mapper, IdentityConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.values = redis.value(String.class);
        this.mapper = mapper;
        this.config = config;
        this.prefix = prefix + "idempotency:";
    }

    @RegisterForReflection
    record Stored(String requestHash, int status, JsonNode body) {
    }

    /**
     * Runs {@code action} once per (scope, key); {@code scope} separates callers (e.g. account id + operation).
     * Without a key the action simply runs.
     */
    public Uni<Response> run(String scope, String key, Object request, int status, Supplier<Uni<?>> action) {
        return run(scope, key, request, status, action, UnaryOperator.identity());
    }

    /** As above; {@code storedForm} strips secrets (shown once) from the copy kept for replays. */
    public <T> Uni<Response> run(String scope, String key, Object request, int status, Supplier<Uni<? extends T>> action,
            UnaryOperator<T> storedForm) {
        if (key == null || key.isBlank()) {
            return action.get().map(body -> Response.status(status).entity(body).build());
        }
        if (key.length() > 200) {
            return Uni.createFrom().failure(ProblemException.badRequest(HEADER, "must be at most 200 characters"));
        }
        String redisKey = prefix + scope + ":" + sha256(key);
        String requestHash = sha256(json(request));
        // SET NX PX GET: claims the key with its expiry in one step, or returns what is already there.
        return values.setGet(redisKey, PENDING + ":" + requestHash, new SetArgs().nx().px(config.idempotencyTtl()))
                .chain(existing -> existing != null ? replay(existing, requestHash)
                        : action.get()
                                .call(body -> values.set(redisKey, json(new Stored(requestHash, status,
                                        mapper.valueToTree(storedForm.apply(body)))), new SetArgs().px(config.idempotencyTtl())))
                                // A failed first attempt leaves nothing to replay: the client may retry with the key.
                                .onFailure().call(() -> values.getdel(redisKey))
                                .map(body -> Response.status(status).entity(body).build()));
    }

    private Uni<Response> replay(String stored, String requestHash) {
        if (stored.startsWith(PENDING)) {
            return Uni.createFrom().failure(ProblemException.conflict(
                    "A request with this Idempotency-Key is still being processed"));
        }
        try {
            Stored first = mapper.readValue(stored, Stored.class);
            if (!first.requestHash().equals(requestHash)) {
                return Uni.createFrom().failure(ProblemException.unprocessable(
                        "This Idempotency-Key was used with a different request"));
            }
            return Uni.createFrom().item(Response.status(first.status()).entity(first.body())
                    .header("Idempotent-Replayed", "true").build());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("Unreadable idempotency record", e));
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
