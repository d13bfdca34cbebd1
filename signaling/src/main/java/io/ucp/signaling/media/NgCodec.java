package io.ucp.signaling.media;

import com.dampcake.bencode.Bencode;
import com.dampcake.bencode.BencodeException;
import com.dampcake.bencode.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * rtpengine's ng framing: {@code "<cookie> <bencoded dictionary>"} in one UDP datagram, the reply echoing the cookie.
 * The dictionary is bencode (com.dampcake:bencode); byte strings are read as UTF-8 text (SDP and ids are ASCII).
 */
public final class NgCodec {

    private static final Bencode BENCODE = new Bencode(StandardCharsets.UTF_8);

    private NgCodec() {
    }

    /** A datagram read back: the cookie and the dictionary. */
    public record Frame(String cookie, Map<String, Object> body) {
    }

    public static byte[] encode(String cookie, Map<String, ?> body) {
        byte[] head = (cookie + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] dict = BENCODE.encode(body);
        byte[] out = Arrays.copyOf(head, head.length + dict.length);
        System.arraycopy(dict, 0, out, head.length, dict.length);
        return out;
    }

    /** The cookie of a datagram (text before the first space), or null when there is none. */
    public static String cookie(byte[] datagram) {
        int space = indexOfSpace(datagram);
        return space <= 0 ? null : new String(datagram, 0, space, StandardCharsets.US_ASCII);
    }

    /** Decodes a datagram; throws {@link MediaRelayException} (MALFORMED) when it is not a cookie and a dictionary. */
    public static Frame decode(byte[] datagram) {
        int space = indexOfSpace(datagram);
        if (space <= 0 || space == datagram.length - 1) {
            throw new MediaRelayException(MediaRelayException.Reason.MALFORMED, "ng reply without cookie or body");
        }
        byte[] dict = Arrays.copyOfRange(datagram, space + 1, datagram.length);
        try {
            if (BENCODE.type(dict) != Type.DICTIONARY) {
                throw new MediaRelayException(MediaRelayException.Reason.MALFORMED, "ng reply is not a dictionary");
            }
            return new Frame(new String(datagram, 0, space, StandardCharsets.US_ASCII),
                    BENCODE.decode(dict, Type.DICTIONARY));
        } catch (BencodeException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new MediaRelayException(MediaRelayException.Reason.MALFORMED, "unreadable ng reply: " + e.getMessage(),
                    e);
        }
    }

    private static int indexOfSpace(byte[] datagram) {
        // Cookies are short; a reply whose first 64 bytes hold no space is not one of ours.
        for (int i = 0; i < Math.min(datagram.length, 64); i++) {
            if (datagram[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
