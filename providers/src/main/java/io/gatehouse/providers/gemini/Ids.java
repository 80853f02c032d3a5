package io.gatehouse.providers.gemini;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the identifiers Gemini does not send but OpenAI's shape needs (completion ids when there
 * is no {@code responseId}, tool call ids). Implementations are thread-safe.
 */
@FunctionalInterface
interface Ids {
    /** Random alphanumerics, like OpenAI's own ids. */
    Ids RANDOM = new Ids() {
        private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        private final SecureRandom random = new SecureRandom();

        @Override
        public String next() {
            char[] id = new char[24];
            for (int i = 0; i < id.length; i++) {
                id[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            return new String(id);
        }
    };

    /** A fresh id of letters and digits. */
    String next();

    /** {@code id1}, {@code id2}, ...: predictable ids for tests. */
    static Ids counting() {
        AtomicInteger next = new AtomicInteger();
        return () -> "id" + next.incrementAndGet();
    }
}
