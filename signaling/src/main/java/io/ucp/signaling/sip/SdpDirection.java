package io.ucp.signaling.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The media direction of an SDP (RFC 3264 §5.1, §8.4: hold is a re-offer with {@code sendonly} or {@code inactive};
 * RFC 2543's {@code c=0.0.0.0} hold is read as inactive). Only what hold and resume need: read the direction, and
 * write a copy of a session description we sent before with another direction and the next version.
 */
public final class SdpDirection {

    public static final String SENDRECV = "sendrecv";
    public static final String SENDONLY = "sendonly";
    public static final String RECVONLY = "recvonly";
    public static final String INACTIVE = "inactive";

    private SdpDirection() {
    }

    /** The direction of the first audio stream (its own attribute, else the session's, else sendrecv). */
    public static String of(String sdp) {
        String session = null;
        String media = null;
        boolean inAudio = false;
        boolean seenMedia = false;
        for (String line : lines(sdp)) {
            if (line.startsWith("m=")) {
                if (seenMedia && inAudio) {
                    break;
                }
                seenMedia = true;
                inAudio = line.startsWith("m=audio");
            } else if (line.startsWith("c=") && line.trim().endsWith(" 0.0.0.0") && (!seenMedia || inAudio)) {
                return INACTIVE;
            } else if (direction(line) != null) {
                if (!seenMedia) {
                    session = direction(line);
                } else if (inAudio && media == null) {
                    media = direction(line);
                }
            }
        }
        return media != null ? media : session != null ? session : SENDRECV;
    }

    /** What the answerer of an offer with {@code offered} agrees to (RFC 3264 §6.1). */
    public static String answerTo(String offered) {
        return switch (offered) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            case INACTIVE -> INACTIVE;
            default -> SENDRECV;
        };
    }

    /** {@code sdp} with every direction attribute set to {@code direction} and the origin's version incremented. */
    public static String with(String sdp, String direction) {
        List<String> out = new ArrayList<>();
        // Where the SDP names a direction, that attribute changes; where it names none, the audio stream gets one.
        boolean wrote = lines(sdp).stream().anyMatch(line -> direction(line) != null);
        for (String line : lines(sdp)) {
            if (line.startsWith("o=")) {
                out.add(nextVersion(line));
            } else if (direction(line) != null) {
                out.add("a=" + direction);
            } else {
                out.add(line);
            }
            if (line.startsWith("m=audio") && !wrote) {
                out.add("a=" + direction);
                wrote = true;
            }
        }
        return String.join("\r\n", out) + "\r\n";
    }

    private static String nextVersion(String origin) {
        String[] parts = origin.split(" ");
        if (parts.length >= 6) {
            try {
                parts[2] = Long.toString(Long.parseLong(parts[2]) + 1);
            } catch (NumberFormatException e) {
                return origin; // not a number: leave it; the peer may refuse, the call goes on as it was
            }
        }
        return String.join(" ", parts);
    }

    private static String direction(String line) {
        if (!line.startsWith("a=")) {
            return null;
        }
        String value = line.substring(2).trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case SENDRECV, SENDONLY, RECVONLY, INACTIVE -> value;
            default -> null;
        };
    }

    private static List<String> lines(String sdp) {
        List<String> lines = new ArrayList<>();
        for (String line : sdp.split("\r?\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
