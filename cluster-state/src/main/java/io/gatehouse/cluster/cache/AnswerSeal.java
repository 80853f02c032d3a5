package io.gatehouse.cluster.cache;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Seals cached answers with AES-256-GCM: a fresh 12-byte random nonce per value, a 128-bit tag, and
 * the entry's key bound in as associated data, so a sealed answer opens only under the key it was
 * stored under. Thread-safe.
 */
final class AnswerSeal {
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /**
     * Per thread, as are the ciphers: the default generator reads the system's under a lock, and a
     * cipher looked up per answer costs more than sealing it.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(AnswerSeal::drbg);

    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(AnswerSeal::aesGcm);

    private final SecretKey key;

    /** @throws IllegalArgumentException if {@code key} is not 32 bytes */
    AnswerSeal(byte[] key) {
        requireNonNull(key, "key");
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("key: " + key.length + " bytes (expected: " + KEY_BYTES + ")");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** {@code nonce || ciphertext || tag} of {@code answer}, bound to {@code entryKey}. */
    byte[] seal(String entryKey, byte[] answer) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.get().nextBytes(nonce);
        try {
            Cipher cipher = CIPHER.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(entryKey.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(answer.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            cipher.doFinal(answer, 0, answer.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The answer sealed in {@code box} under {@code entryKey}, or null if it does not open. */
    byte @Nullable [] open(String entryKey, byte[] box) {
        if (box.length < NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher cipher = CIPHER.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box, 0, NONCE_BYTES));
            cipher.updateAAD(entryKey.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(box, NONCE_BYTES, box.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            return null; // sealed under another key (a node with another master key), or tampered with
        }
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException e) {
            return new SecureRandom();
        }
    }

    private static Cipher aesGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
