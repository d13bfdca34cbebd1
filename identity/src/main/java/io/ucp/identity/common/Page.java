package io.ucp.identity.common;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** One page of a listing; {@code nextCursor} is null on the last page. */
@RegisterForReflection
public record Page<T>(List<T> items, String nextCursor) {
}
