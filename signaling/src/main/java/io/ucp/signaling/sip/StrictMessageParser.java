package io.ucp.signaling.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * JAIN-SIP's parser, preceded by the RFC 3261 rules it is lenient about (RFC 4475 §3.1.2, §3.3): a message
 * breaking one fails to parse, and the stack answers a request that fails to parse with 400 itself.
 * Checked on the raw header section: size, the request line's exact shape, no headers in the Request-URI,
 * single-valued header fields present once, URIs with '?' inside name-addr brackets, no LWS just inside the
 * brackets, display names either quoted or tokens, Date in GMT.
 */
public final class StrictMessageParser implements MessageParser {

    private static final Pattern REQUEST_LINE = Pattern.compile("[!-~]+ [!-~]+ SIP/\\d+\\.\\d+");
    private static final Pattern TOKENS = Pattern.compile("[A-Za-z0-9\\-.!%*_+`'~ \\t]*");
    private static final Map<String, String> COMPACT = Map.of("i", "call-id", "f", "from", "t", "to", "l",
            "content-length", "c", "content-type", "m", "contact", "v", "via");
    private static final Set<String> SINGLE = Set.of("call-id", "cseq", "from", "to", "max-forwards",
            "content-length", "content-type", "expires");
    private static final Set<String> NAME_ADDR = Set.of("from", "to", "contact", "route", "record-route");

    private final MessageParser parser = new StringMsgParser();
    private final int maxSize;

    StrictMessageParser(int maxSize) {
        this.maxSize = maxSize;
    }

    @Override
    public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener listener)
            throws ParseException {
        if (bytes == null) {
            return parser.parseSIPMessage(bytes, readBody, strict, listener);
        }
        if (bytes.length > maxSize) {
            throw new ParseException("Message too large", 0);
        }
        String head = headerSection(bytes);
        check(head);
        SIPMessage message = parser.parseSIPMessage(bytes, readBody, strict, listener);
        if (message != null && !head.startsWith("SIP/")) {
            // The stack's parser reads any version as 2.0; the original is kept for the 505 (RFC 3261 §8.2.1).
            int end = head.indexOf("\r\n");
            String line = end < 0 ? head : head.substring(0, end);
            message.setApplicationData(line.substring(line.lastIndexOf(' ') + 1));
        }
        return message;
    }

    /** The lines before the first empty one, CRLF-separated (the TCP reader hands lines over with bare LF). */
    private static String headerSection(byte[] bytes) {
        StringBuilder head = new StringBuilder();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if (!head.isEmpty()) {
                head.append("\r\n");
            }
            head.append(line);
        }
        return head.toString();
    }

    /** Throws for the first broken rule. */
    static void check(String head) throws ParseException {
        List<String> lines = unfold(head);
        if (lines.isEmpty()) {
            return;
        }
        String first = lines.get(0);
        if (!first.startsWith("SIP/")) {
            if (!REQUEST_LINE.matcher(first).matches()) {
                throw new ParseException("Malformed request line", 0);
            }
            String uri = first.split(" ")[1];
            if ((uri.startsWith("sip:") || uri.startsWith("sips:")) && uri.contains("?")) {
                throw new ParseException("Headers are not allowed in the Request-URI", 0);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue; // the stack's parser decides about lines that are not headers
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            name = COMPACT.getOrDefault(name, name);
            String value = line.substring(colon + 1).trim();
            if (SINGLE.contains(name) && counts.merge(name, 1, Integer::sum) > 1) {
                throw new ParseException("More than one " + name + " header", 0);
            }
            if (NAME_ADDR.contains(name)) {
                nameAddr(name, value);
            }
            if ("date".equals(name) && !value.endsWith(" GMT")) {
                throw new ParseException("Date must be in GMT", 0);
            }
        }
    }

    private static void nameAddr(String name, String value) throws ParseException {
        int open = value.indexOf('<');
        if (open < 0) {
            // RFC 3261 §20: an addr-spec with '?' (or ',' or ';' in it) must be in angle brackets.
            if (value.contains("?")) {
                throw new ParseException(name + ": a URI with headers must be enclosed in <>", 0);
            }
            return;
        }
        int close = value.indexOf('>', open);
        if (close > open + 1 && (Character.isWhitespace(value.charAt(open + 1))
                || Character.isWhitespace(value.charAt(close - 1)))) {
            throw new ParseException(name + ": no whitespace inside <>", 0);
        }
        if (("from".equals(name) || "to".equals(name))) {
            String display = value.substring(0, open).trim();
            if (!display.startsWith("\"") && !TOKENS.matcher(display).matches()) {
                throw new ParseException(name + ": an unquoted display name must be tokens", 0);
            }
        }
    }

    /** Header lines with continuation lines (starting with SP/HT) joined. */
    private static List<String> unfold(String head) {
        List<String> lines = new ArrayList<>();
        for (String line : head.split("\r\n", -1)) {
            if (!lines.isEmpty() && !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.trim());
            } else {
                lines.add(line);
            }
        }
        return lines;
    }
}
