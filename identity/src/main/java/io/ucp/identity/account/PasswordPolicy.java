package io.ucp.identity.account;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import io.ucp.identity.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * 10–128 characters (the upper bound caps Argon2's input), no control characters, not on the common-password
 * list, and strong enough by zxcvbn (score ≥ 3 of 4: about 10^8 guesses or more; zxcvbn knows keyboard walks,
 * repeats, sequences, dates, l33t and its own 30,000 common passwords), with the email and its parts as words an
 * attacker would try first.
 */
@ApplicationScoped
public class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 128;
    /** zxcvbn's 0..4 scale: 3 = "safely unguessable: moderate protection from an offline slow-hash scenario". */
    public static final int MIN_SCORE = 3;

    private final Set<String> common;
    private final Zxcvbn zxcvbn = new Zxcvbn();

    public PasswordPolicy() {
        this.common = load();
    }

    /** Throws a 400 naming {@code field} when the password is refused. */
    public void check(String field, String password, String email) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw ProblemException.badRequest(field, "must be at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw ProblemException.badRequest(field, "must be at most " + MAX_LENGTH + " characters");
        }
        if (password.codePoints().anyMatch(PasswordPolicy::isControl)) {
            throw ProblemException.badRequest(field, "must not contain control characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common.contains(lower) || common.contains(lower.strip())) {
            throw ProblemException.badRequest(field, "is too common; choose another one");
        }
        List<String> userInputs = userInputs(email);
        if (email != null) {
            String local = userInputs.isEmpty() ? "" : userInputs.get(0);
            if (lower.equals(email.toLowerCase(Locale.ROOT)) || lower.equals(local)) {
                throw ProblemException.badRequest(field, "must not be the email address");
            }
        }
        Strength strength = zxcvbn.measure(password, userInputs);
        if (strength.getScore() < MIN_SCORE) {
            String hint = strength.getFeedback().getWarning();
            throw ProblemException.badRequest(field, "is too easy to guess"
                    + (hint == null || hint.isBlank() ? "" : " (" + hint + ")")
                    + "; use a longer phrase of uncommon words");
        }
    }

    boolean isCommon(String password) {
        return common.contains(password.toLowerCase(Locale.ROOT));
    }

    /** The email's local part, its pieces (split at . _ - +), the domain's first label: what a guesser tries first. */
    static List<String> userInputs(String email) {
        if (email == null || email.isBlank()) {
            return List.of();
        }
        String lower = email.strip().toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        String local = at < 0 ? lower : lower.substring(0, at);
        List<String> inputs = new ArrayList<>();
        inputs.add(local);
        inputs.add(lower);
        for (String piece : local.split("[._+\\-]+")) {
            if (piece.length() >= 3) {
                inputs.add(piece);
            }
        }
        if (at >= 0) {
            String domain = lower.substring(at + 1);
            int dot = domain.indexOf('.');
            String label = dot < 0 ? domain : domain.substring(0, dot);
            if (label.length() >= 3) {
                inputs.add(label);
            }
        }
        return List.copyOf(inputs);
    }

    /** C0/C1 controls and DEL (Unicode Cc): invisible, often unenterable, and a way to smuggle text into logs. */
    private static boolean isControl(int codePoint) {
        return Character.getType(codePoint) == Character.CONTROL;
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
