package io.ucp.presence.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Frames queued behind a feed snapshot: the regression where a watcher saw a user's snapshot state twice. */
class SnapshotVersionsTest {

    private final UUID bob = UUID.randomUUID();
    private final SnapshotVersions snapshot = new SnapshotVersions(new ObjectMapper());

    private String presence(UUID account, String state, long version) {
        return "{\"type\":\"presence\",\"data\":{\"accountId\":\"" + account + "\",\"state\":\"" + state
                + "\",\"version\":" + version + "}}";
    }

    @Test
    void aQueuedFrameOfTheVersionTheSnapshotShowsIsDropped() {
        // The subscription approval pushed bob's "offline" v0 while the snapshot was being read; the snapshot has v0.
        snapshot.shown(bob, 0);
        assertThat(snapshot.test(presence(bob, "offline", 0))).isFalse();
    }

    @Test
    void olderFramesAreDroppedAndNewerOnesPass() {
        snapshot.shown(bob, 4);
        assertThat(snapshot.test(presence(bob, "away", 3))).isFalse();
        assertThat(snapshot.test(presence(bob, "available", 5))).isTrue();
    }

    @Test
    void presenceOfUsersNotInTheSnapshotAndOtherFramesPass() {
        snapshot.shown(bob, 9);
        assertThat(snapshot.test(presence(UUID.randomUUID(), "busy", 1))).isTrue();
        assertThat(snapshot.test("{\"type\":\"message.created\",\"data\":{\"version\":1}}")).isTrue();
    }
}
