package io.ucp.presence.input;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Text a client sends must not carry NUL or other C0 control characters (tab, CR and LF are allowed: text is
 * multi-line). PostgreSQL cannot store NUL in text, and downstream services (billing's CDRs) would fail on it;
 * refusing it at the edge keeps it out of every event.
 */
public final class TextRules {

    private static final int MAX_DEPTH = 32;

    private TextRules() {
    }

    /** True when {@code text} holds a character this platform refuses. */
    public static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** The path (e.g. {@code description.sdp}) of the first string or field name with a refused character, or null. */
    public static String firstControlCharacter(JsonNode node) {
        return find(node, "", 0);
    }

    private static String find(JsonNode node, String path, int depth) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return hasControlCharacter(node.asText()) ? (path.isEmpty() ? "text" : path) : null;
        }
        if (depth > MAX_DEPTH) {
            return path.isEmpty() ? "message" : path;
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (hasControlCharacter(field.getKey())) {
                    return path.isEmpty() ? "field name" : path;
                }
                String found = find(field.getValue(), at, depth + 1);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = find(node.get(i), path + "[" + i + "]", depth + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
