package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Gateway API keys as stored: only their SHA-256 hash is kept, so a stored key cannot be read back;
 * a new key is shown once, when it is made. Thread-safe.
 */
public final class ApiKeys {
    /** Prefix of generated keys, so they are recognisable in secret scanners and support tickets. */
    public static final String PREFIX = "ghk_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {}

    /** A new random key: the prefix and 256 random bits, URL-safe. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The spec with a clear {@code key} replaced by its {@code key_sha256}. */
    public static ObjectNode hashed(ObjectNode spec) {
        JsonNode key = spec.get("key");
        if (key == null || !key.isTextual()) {
            return spec;
        }
        ObjectNode hashed = spec.deepCopy();
        hashed.remove("key");
        hashed.put("key_sha256", sha256(key.asText()));
        return hashed;
    }

    /** Lowercase hex SHA-256, as {@code key_sha256} holds it. */
    public static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
