package io.ucp.identity.common;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of a listing; {@code nextCursor} is null on the last page. */
@RegisterForReflection
public record Page<T>(List<T> items, @Schema(nullable = true, description = "null on the last "
            + "page") String nextCursor) {
}
