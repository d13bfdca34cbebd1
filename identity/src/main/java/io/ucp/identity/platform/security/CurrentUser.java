package io.ucp.identity.platform.security;

import io.ucp.identity.platform.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated caller of this request, read from identity's access token. */
@RequestScoped
public class CurrentUser {

    public static final String ADMIN = "admin";
    public static final String AGENT = "agent";
    public static final String SESSION_CLAIM = "sid";

    private final JsonWebToken token;

    public CurrentUser(JsonWebToken token) {
        this.token = token;
    }

    public UUID id() {
        String subject = token.getSubject();
        if (subject == null) {
            throw ProblemException.unauthorized("An access token is required");
        }
        try {
            return UUID.fromString(subject);
        } catch (IllegalArgumentException e) {
            throw ProblemException.unauthorized("The access token's subject is not an account id");
        }
    }

    public Set<String> roles() {
        return token.getGroups() == null ? Set.of() : token.getGroups();
    }

    public boolean isAdmin() {
        return roles().contains(ADMIN);
    }

    public String sessionId() {
        return token.getClaim(SESSION_CLAIM);
    }

    /** True when the caller may see an object owned by {@code owner}: its owner, or an admin. */
    public boolean mayAccess(UUID owner) {
        return isAdmin() || id().equals(owner);
    }
}
