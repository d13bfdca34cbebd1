package io.ucp.identity.account;

import io.ucp.identity.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Minimum length, a maximum (Argon2 input bound), not a common password, not the email itself. */
@ApplicationScoped
public class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 128;

    private final Set<String> common;

    public PasswordPolicy() {
        this.common = load();
    }

    /** Throws a 400 naming {@code field} when the password is refused. */
    public void check(String field, String password, String email) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw ProblemException.badRequest(field, "must be at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw ProblemException.badRequest(field, "must be at most " + MAX_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common.contains(lower)) {
            throw ProblemException.badRequest(field, "is too common; choose another one");
        }
        if (email != null) {
            String local = email.toLowerCase(Locale.ROOT);
            if (lower.equals(local) || lower.equals(local.substring(0, Math.max(0, local.indexOf('@'))))) {
                throw ProblemException.badRequest(field, "must not be the email address");
            }
        }
    }

    boolean isCommon(String password) {
        return common.contains(password.toLowerCase(Locale.ROOT));
    }

    private static Set<String> load() {
        var in = PasswordPolicy.class.getClassLoader().getResourceAsStream("security/common-passwords.txt");
        if (in == null) {
            throw new IllegalStateException("security/common-passwords.txt is missing");
        }
        Set<String> words = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    words.add(line.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Set.copyOf(words);
    }
}
