package io.ucp.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NgCodecTest {

    @Test
    void aCommandIsTheCookieASpaceAndASortedBencodedDictionary() {
        byte[] datagram = NgCodec.encode("c1", Map.of("command", "offer", "flags", List.of("trust-address"),
                "limit", 5L));
        assertThat(new String(datagram, StandardCharsets.UTF_8))
                .isEqualTo("c1 d7:command5:offer5:flagsl13:trust-addresse5:limiti5ee");
    }

    @Test
    void aReplyIsReadBack() {
        NgCodec.Frame frame = NgCodec.decode("abc d6:result4:pong3:numi42e4:listl1:xee".getBytes(StandardCharsets.UTF_8));
        assertThat(frame.cookie()).isEqualTo("abc");
        assertThat(frame.body()).containsEntry("result", "pong").containsEntry("num", 42L)
                .containsEntry("list", List.of("x"));
    }

    @Test
    void malformedRepliesAreTypedFailures() {
        for (String bad : new String[] {"", "nocookie", "abc ", "abc d6:result", "abc i42e", "abc 4:pong",
                "abc d6:result4:pong", "abc xyz"}) {
            assertThatThrownBy(() -> NgCodec.decode(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOfSatisfying(MediaRelayException.class,
                            e -> assertThat(e.reason()).isEqualTo(MediaRelayException.Reason.MALFORMED));
        }
        assertThat(NgCodec.cookie("abc d6:result4:ponge".getBytes(StandardCharsets.UTF_8))).isEqualTo("abc");
        assertThat(NgCodec.cookie("nospace".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
