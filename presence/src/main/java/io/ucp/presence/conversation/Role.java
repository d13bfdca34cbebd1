package io.ucp.presence.conversation;

/** A participant's role; a higher rank may do everything a lower one may. */
public enum Role {
    MEMBER, ADMIN, OWNER;

    public static Role of(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return ordinal() >= other.ordinal();
    }
}
