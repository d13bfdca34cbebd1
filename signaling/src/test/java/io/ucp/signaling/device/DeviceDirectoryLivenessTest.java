package io.ucp.signaling.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.signaling.call.CallTestSupport;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Directory entries left in Redis by an instance that is gone (a stopped pod, an earlier test profile) must not look
 * online when an instance reads the directory: before the fix a trunk held by a dead instance counted as held for
 * the first seconds after a boot, so calls from the carrier were answered towards an instance that no longer
 * existed and the carrier never got its 200 (SipTrunkTest failed in CI that way).
 */
@QuarkusTest
class DeviceDirectoryLivenessTest {

    @Inject
    DeviceRegistry registry;
    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void entriesOfAnInstanceMissingFromTheLiveSetAreOfflineRightAfterALoad() throws Exception {
        UUID account = UUID.randomUUID();
        UUID phone = UUID.randomUUID();
        UUID trunk = UUID.randomUUID();
        String gone = "gone-" + UUID.randomUUID();
        CallTestSupport.await(() -> redis.hash(String.class).hset("ucp:signaling:devices", phone.toString(),
                gone + " " + account + " 0 1"));
        CallTestSupport.await(() -> redis.hash(String.class).hset("ucp:signaling:devices", trunk.toString(),
                gone + " " + account + " 1 2"));
        try {
            CallTestSupport.await(registry::refreshMirror);

            assertThat(registry.devicesOf(account)).doesNotContain(phone);
            assertThat(registry.trunkOwner(trunk)).isNull();
        } finally {
            CallTestSupport.await(() -> redis.hash(String.class).hdel("ucp:signaling:devices", phone.toString(),
                    trunk.toString()));
        }
    }

    @Test
    void entriesOfALiveInstanceAreOnlineAfterALoad() throws Exception {
        UUID account = UUID.randomUUID();
        UUID trunk = UUID.randomUUID();
        String other = "live-" + UUID.randomUUID();
        // Another instance that beats (its score is its last beat, in ms, as the heartbeat script writes it).
        CallTestSupport.await(() -> redis.sortedSet(String.class).zadd("ucp:signaling:instances",
                System.currentTimeMillis(), other));
        CallTestSupport.await(() -> redis.hash(String.class).hset("ucp:signaling:devices", trunk.toString(),
                other + " " + account + " 1 3"));
        try {
            CallTestSupport.await(registry::refreshMirror);

            assertThat(registry.trunkOwner(trunk)).isEqualTo(account);
        } finally {
            CallTestSupport.await(() -> redis.hash(String.class).hdel("ucp:signaling:devices", trunk.toString()));
            CallTestSupport.await(() -> redis.sortedSet(String.class).zrem("ucp:signaling:instances", other));
        }
    }
}
