package io.ucp.signaling.call;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Routes contributed to the outbound route table by trunks defined elsewhere (the SIP edge's trunks): prefix →
 * trunk device ids in fallback order. An interface here so the call model does not depend on the SIP edge.
 */
public interface TrunkPrefixes {

    Map<String, List<UUID>> prefixes();
}
