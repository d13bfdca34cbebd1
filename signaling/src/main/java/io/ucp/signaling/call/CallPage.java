package io.ucp.signaling.call;

import java.util.List;

/** One page of calls; {@code nextCursor} is null on the last page. */
public record CallPage(List<CallView> items, String nextCursor) {
}
