package io.ucp.presence.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import io.ucp.presence.conversation.MessagingConfig;
import io.ucp.presence.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code Idempotency-Key} for POSTs that create or act: the key (per caller and endpoint), a hash of the request
 * and the first response live in Redis for a day. Redis rather than a table because the schema is fixed and these
 * entries are short-lived; message sends do not depend on it (their key is the messages' own unique
 * client_message_id column, which survives any Redis loss).
 */
@ApplicationScoped
public class IdempotencyStore {

    /** Status and body of the first response, replayed for a retry with the same key and request. */
    public record Outcome(int status, Object body) {
    }

    private record Stored(String hash, int status, JsonNode body) {
    }

    private static final String PENDING = "pending";
    private static final Duration PENDING_TTL = Duration.ofMinutes(1);

    private final ReactiveValueCommands<String, String> values;
    private final ObjectMapper mapper;
    private final Duration ttl;
    private final String prefix;

    public IdempotencyStore(ReactiveRedisDataSource redis, ObjectMapper mapper, MessagingConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.values = redis.value(String.class, String.class);
        this.mapper = mapper;
        this.ttl = config.idempotencyTtl();
        this.prefix = prefix + "idem:";
    }

    /** Runs {@code action} once per key; without a key it simply runs. */
    public Uni<Response> once(UUID caller, String endpoint, String idempotencyKey, Object request,
            Supplier<Uni<Outcome>> action) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return action.get().map(IdempotencyStore::response);
        }
        if (idempotencyKey.length() > 200) {
            return Uni.createFrom().failure(ProblemException.badRequest("Idempotency-Key", "at most 200 characters"));
        }
        String key = prefix + caller + ":" + endpoint + ":" + idempotencyKey;
        String hash = hash(endpoint, request);
        return values.setGet(key, PENDING, new SetArgs().nx().px(PENDING_TTL))
                .chain(previous -> {
                    if (previous == null) {
                        return action.get()
                                .call(outcome -> values.set(key, json(new Stored(hash, outcome.status(),
                                        mapper.valueToTree(outcome.body()))), new SetArgs().px(ttl)))
                                .onFailure().call(() -> values.getdel(key))
                                .map(IdempotencyStore::response);
                    }
                    if (PENDING.equals(previous)) {
                        return Uni.createFrom().failure(
                                ProblemException.conflict("A request with this Idempotency-Key is still in progress"));
                    }
                    Stored stored = parse(previous);
                    if (!stored.hash().equals(hash)) {
                        return Uni.createFrom().failure(ProblemException.unprocessable(
                                "This Idempotency-Key was used with a different request"));
                    }
                    return Uni.createFrom().item(Response.status(stored.status()).entity(stored.body())
                            .header("Idempotent-Replayed", "true").build());
                });
    }

    private static Response response(Outcome outcome) {
        return Response.status(outcome.status()).entity(outcome.body()).build();
    }

    private String hash(String endpoint, Object request) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(endpoint.getBytes(StandardCharsets.UTF_8));
            digest.update(mapper.writeValueAsBytes(request));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("Cannot hash the request", e);
        }
    }

    private String json(Stored stored) {
        try {
            return mapper.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot store the response", e);
        }
    }

    private Stored parse(String json) {
        try {
            return mapper.readValue(json, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable idempotency entry", e);
        }
    }
}
