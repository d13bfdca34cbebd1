package io.ucp.identity.account;

import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id with OWASP's first recommended configuration (m = 19 MiB, t = 2, p = 1), stored in PHC string format so
 * the parameters can be raised later without invalidating existing hashes. Hashing costs tens of milliseconds of
 * CPU and 19 MiB of memory, so it runs on its own pool with one thread per core, never on an event loop: a burst
 * of logins queues instead of allocating 19 MiB per worker thread.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final ExecutorService pool = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), runnable -> {
                Thread thread = new Thread(runnable, "argon2id");
                thread.setDaemon(true);
                return thread;
            });
    // Verified against when the email is unknown, so a miss costs the same time as a wrong password.
    private final String decoy = hashNow("decoy-password-for-timing".toCharArray());

    public Uni<String> hash(String password) {
        return Uni.createFrom().item(() -> hashNow(password.toCharArray()))
                .runSubscriptionOn(pool);
    }

    /** Verifies against {@code encoded}; a null hash (unknown account) is checked against a decoy and fails. */
    public Uni<Boolean> verify(String password, String encoded) {
        return Uni.createFrom().item(() -> {
            if (encoded == null) {
                verifyNow(password.toCharArray(), decoy);
                return false;
            }
            return verifyNow(password.toCharArray(), encoded);
        })
                .runSubscriptionOn(pool);
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    String hashNow(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    boolean verifyNow(char[] password, String encoded) {
        String[] parts = encoded.split("\\$");
        // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
        if (parts.length != 6 || !"argon2id".equals(parts[1])) {
            return false;
        }
        int memory = 0;
        int iterations = 0;
        int parallelism = 0;
        for (String param : parts[3].split(",")) {
            String[] kv = param.split("=");
            int value = Integer.parseInt(kv[1]);
            switch (kv[0]) {
                case "m" -> memory = value;
                case "t" -> iterations = value;
                case "p" -> parallelism = value;
                default -> {
                    return false;
                }
            }
        }
        byte[] salt = B64D.decode(parts[4]);
        byte[] expected = B64D.decode(parts[5]);
        byte[] actual = derive(password, salt, memory, iterations, parallelism, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(char[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
            int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(new String(password).getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
