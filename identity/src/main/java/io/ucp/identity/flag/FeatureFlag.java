package io.ucp.identity.flag;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A flag's global default with its per-account overrides. */
@RegisterForReflection
public record FeatureFlag(String key, @Schema(enumeration = {"bool", "number", "string", "json"}) String type,
        @Schema(ref = FLAG_VALUE) JsonNode value, @Schema(nullable = true) String description,
        OffsetDateTime updatedAt, List<Override> overrides) {

    /** The components schema of a flag value (platform.openapi.ContractFilter defines it: a oneOf of JSON types). */
    public static final String FLAG_VALUE = "FlagValue";

    @RegisterForReflection
    public record Override(UUID accountId, @Schema(ref = FLAG_VALUE) JsonNode value, OffsetDateTime updatedAt) {
    }

    /** One flag as it applies to an account: {@code source} is "default" or "override". */
    @RegisterForReflection
    public record Effective(@Schema(enumeration = {"bool", "number", "string", "json"}) String type,
            @Schema(ref = FLAG_VALUE) JsonNode value, @Schema(enumeration = {"default", "override"}) String source) {
    }
}
