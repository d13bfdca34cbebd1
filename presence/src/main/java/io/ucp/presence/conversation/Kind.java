package io.ucp.presence.conversation;

/** Direct: exactly two people, one conversation per pair. Group: invited members. Channel: anyone may join. */
public enum Kind {
    DIRECT, GROUP, CHANNEL;

    public static Kind of(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
