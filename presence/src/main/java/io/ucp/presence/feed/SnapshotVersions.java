package io.ucp.presence.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The presence versions a feed snapshot showed. Frames queued while the snapshot was read pass only when they are
 * newer than what the snapshot holds: an equal version would show the same state twice (and an older one would go
 * backwards). Frames of other types, and presence of users the snapshot does not hold, always pass.
 */
final class SnapshotVersions implements Predicate<String> {

    private static final String PRESENCE_PREFIX = "{\"type\":\"presence\"";

    private final Map<UUID, Long> versions = new ConcurrentHashMap<>();
    private final ObjectMapper mapper;

    SnapshotVersions(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void shown(UUID account, long version) {
        versions.merge(account, version, Math::max);
    }

    @Override
    public boolean test(String frameBody) {
        if (!frameBody.startsWith(PRESENCE_PREFIX)) {
            return true;
        }
        try {
            JsonNode data = mapper.readTree(frameBody).path("data");
            Long shown = versions.get(UUID.fromString(data.path("accountId").asText()));
            return shown == null || data.path("version").asLong() > shown;
        } catch (Exception e) {
            return true;
        }
    }
}
