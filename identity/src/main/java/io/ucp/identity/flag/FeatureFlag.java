package io.ucp.identity.flag;

import io.quarkus.runtime.annotations.RegisterForReflection;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A flag's global default with its per-account overrides. */
@RegisterForReflection
public record FeatureFlag(String key, String type, JsonNode value, String description, OffsetDateTime updatedAt,
        List<Override> overrides) {

    @RegisterForReflection
    public record Override(UUID accountId, JsonNode value, OffsetDateTime updatedAt) {
    }

    /** One flag as it applies to an account: {@code source} is "default" or "override". */
    @RegisterForReflection
    public record Effective(String type, JsonNode value, String source) {
    }
}
