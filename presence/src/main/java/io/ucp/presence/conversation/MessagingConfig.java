package io.ucp.presence.conversation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits and cache settings of conversations and messages. */
@ConfigMapping(prefix = "ucp.messaging")
public interface MessagingConfig {

    /** Longest message text, in characters. */
    @WithDefault("4000")
    int maxBodyChars();

    /** Most participants a group or channel may have (events carry the participant list). */
    @WithDefault("1000")
    int maxParticipants();

    /** Largest page of messages or conversations. */
    @WithDefault("100")
    int maxPageSize();

    @WithDefault("50")
    int defaultPageSize();

    /** How long an idle user's active-chats list stays cached in Redis; rebuilt from PostgreSQL on a miss. */
    @WithDefault("24h")
    Duration activeChatsTtl();

    /** How long an Idempotency-Key and its first response are remembered. */
    @WithDefault("24h")
    Duration idempotencyTtl();
}
