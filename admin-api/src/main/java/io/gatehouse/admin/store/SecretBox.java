package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals and opens secret values with AES-256-GCM under the master key; keeps previous keys for
 * rotation. Thread-safe.
 *
 * <p>A sealed value reads {@code enc:v1:<keyId>:<base64url(nonce || ciphertext || tag)>}: a fresh
 * 12-byte random nonce per value, a 128-bit tag, and the {@code enc:v1:<keyId>} prefix bound in as
 * associated data so it cannot be swapped. The key id (the first 8 hex characters of the key's
 * SHA-256) picks the key to open with, so values sealed under a previous key keep opening while it is
 * listed in {@value #PREVIOUS_KEYS_VARIABLE}.
 */
public final class SecretBox {
    /** The master key, base64 of 32 random bytes. */
    public static final String KEY_VARIABLE = "GATEHOUSE_MASTER_KEY";
    /** A file holding the master key, base64 of 32 random bytes. */
    public static final String KEY_FILE_VARIABLE = "GATEHOUSE_MASTER_KEY_FILE";
    /** Previous master keys, still accepted for opening: comma-separated base64. */
    public static final String PREVIOUS_KEYS_VARIABLE = "GATEHOUSE_MASTER_KEY_PREVIOUS";
    /** The file a key is generated in when none is configured and a directory is given. */
    static final String GENERATED_KEY_FILE = "master.key";

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final String PREFIX = "enc:v1:";
    private static final Pattern SEALED = Pattern.compile("enc:v1:[0-9a-f]{8}:[A-Za-z0-9_-]+");
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String HOW_TO_SET = "set " + KEY_VARIABLE
            + " to the base64 of 32 random bytes (e.g. `openssl rand -base64 32`), or " + KEY_FILE_VARIABLE
            + " to a file holding it";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String currentKeyId;
    private final SecretKey currentKey;
    private final Map<String, SecretKey> keys;

    private SecretBox(String currentKeyId, SecretKey currentKey, Map<String, SecretKey> keys) {
        this.currentKeyId = currentKeyId;
        this.currentKey = currentKey;
        this.keys = keys;
    }

    /**
     * The master key from {@value #KEY_VARIABLE} (base64 of 32 bytes) or {@value #KEY_FILE_VARIABLE} (a
     * file holding that base64), with the previous keys from {@value #PREVIOUS_KEYS_VARIABLE}
     * (comma-separated base64). When neither is set and {@code generateIn} is not null, uses
     * {@code generateIn/master.key}, creating it (owner-only where the file system allows) if missing.
     *
     * @param env looks up environment variables ({@code System::getenv} in production)
     * @param generateIn where to keep a generated key, or null to require a configured one
     * @throws MasterKeyException if there is no key, or a key is not base64 of 32 bytes (the message
     *     names the variable, never the value)
     */
    public static SecretBox fromEnvironment(Function<String, @Nullable String> env, @Nullable Path generateIn) {
        requireNonNull(env, "env");
        String inline = blankToNull(env.apply(KEY_VARIABLE));
        String file = blankToNull(env.apply(KEY_FILE_VARIABLE));
        byte[] current;
        if (inline != null && file != null) {
            throw new MasterKeyException(
                    "both " + KEY_VARIABLE + " and " + KEY_FILE_VARIABLE + " are set (expected: only one of them)");
        } else if (inline != null) {
            current = decodeKey(inline, KEY_VARIABLE);
        } else if (file != null) {
            current = decodeKey(read(Path.of(file), KEY_FILE_VARIABLE), KEY_FILE_VARIABLE + " (" + file + ")");
        } else if (generateIn != null) {
            current = generatedKey(generateIn.resolve(GENERATED_KEY_FILE));
        } else {
            throw new MasterKeyException("no master key to seal stored secrets with: " + HOW_TO_SET);
        }
        List<byte[]> previous = new ArrayList<>();
        String previousList = blankToNull(env.apply(PREVIOUS_KEYS_VARIABLE));
        if (previousList != null) {
            String[] entries = previousList.split(",", -1);
            for (int i = 0; i < entries.length; i++) {
                if (!entries[i].isBlank()) {
                    previous.add(decodeKey(entries[i], PREVIOUS_KEYS_VARIABLE + " (entry " + (i + 1) + ")"));
                }
            }
        }
        return of(current, previous);
    }

    /**
     * A box sealing under {@code currentKey} and opening with it or any of {@code previousKeys}.
     *
     * @throws IllegalArgumentException if a key is not 32 bytes
     */
    public static SecretBox of(byte[] currentKey, List<byte[]> previousKeys) {
        requireNonNull(currentKey, "currentKey");
        requireNonNull(previousKeys, "previousKeys");
        checkLength(currentKey, "currentKey");
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String currentId = keyId(currentKey);
        SecretKey current = new SecretKeySpec(currentKey, "AES");
        keys.put(currentId, current);
        for (int i = 0; i < previousKeys.size(); i++) {
            byte[] key = requireNonNull(previousKeys.get(i), "previousKeys[" + i + "]");
            checkLength(key, "previousKeys[" + i + "]");
            keys.putIfAbsent(keyId(key), new SecretKeySpec(key, "AES"));
        }
        return new SecretBox(currentId, current, Map.copyOf(keys));
    }

    /** {@code "enc:v1:" + keyId + ":" + base64url(12-byte random nonce || ciphertext-with-tag)}. */
    public String seal(String plaintext) {
        requireNonNull(plaintext, "plaintext");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        String header = PREFIX + currentKeyId;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, currentKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return header + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /**
     * The plaintext of a value {@link #seal} made.
     *
     * @throws IllegalArgumentException if {@code sealed} is not a sealed value at all
     * @throws MasterKeyException if the key id is unknown (the message names the key id and says which
     *     variable to set) or the value was tampered with; never includes plaintext or key material
     */
    public String open(String sealed) {
        requireNonNull(sealed, "sealed");
        if (!isSealed(sealed)) {
            // Not echoed: a value that is not sealed may well be a plaintext secret.
            throw new IllegalArgumentException(
                    "not a sealed value (expected: enc:v1:<keyId>:<base64url>, as SecretBox.seal makes)");
        }
        String keyId = sealed.substring(PREFIX.length(), PREFIX.length() + 8);
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new MasterKeyException("a stored secret was sealed with master key " + keyId
                    + ", which is neither the current key (" + currentKeyId + ") nor one of "
                    + PREVIOUS_KEYS_VARIABLE + ": set " + PREVIOUS_KEYS_VARIABLE
                    + " (or " + KEY_VARIABLE + ") to the key that sealed it");
        }
        String header = PREFIX + keyId;
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(sealed.substring(header.length() + 1));
        } catch (IllegalArgumentException e) {
            throw tampered(keyId, e);
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw tampered(keyId, null);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(header.getBytes(StandardCharsets.US_ASCII));
            byte[] plaintext = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(plaintext, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw tampered(keyId, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /** Whether {@code value} has the form of a sealed value ({@code enc:v1:<keyId>:<base64url>}). */
    public static boolean isSealed(String value) {
        requireNonNull(value, "value");
        return SEALED.matcher(value).matches();
    }

    /** Whether {@code sealed} is sealed under the current key (and so needs no re-sealing on rotation). */
    public boolean isSealedWithCurrentKey(String sealed) {
        return isSealed(sealed) && sealed.startsWith(PREFIX + currentKeyId + ":");
    }

    /**
     * A 32-byte key for {@code purpose}, derived from the current master key with HMAC-SHA256: the same
     * on every node that has the same master key, and telling nothing of the master key itself.
     */
    public byte[] derivedKey(String purpose) {
        requireNonNull(purpose, "purpose");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(currentKey.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("gatehouse:" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** Whether {@code env} names a master key ({@value #KEY_VARIABLE} or {@value #KEY_FILE_VARIABLE}). */
    public static boolean configured(Function<String, @Nullable String> env) {
        return blankToNull(env.apply(KEY_VARIABLE)) != null || blankToNull(env.apply(KEY_FILE_VARIABLE)) != null;
    }

    /** The current key's id: the first 8 hex characters of its SHA-256. */
    public String keyId() {
        return currentKeyId;
    }

    @Override
    public String toString() {
        return "SecretBox[keyId=" + currentKeyId + ", keys=" + keys.size() + "]";
    }

    private static MasterKeyException tampered(String keyId, @Nullable Throwable cause) {
        String message = "a stored secret sealed with master key " + keyId
                + " cannot be opened: it was altered, or sealed by another key with the same id";
        return cause == null ? new MasterKeyException(message) : new MasterKeyException(message, cause);
    }

    static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static void checkLength(byte[] key, String what) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(what + ": " + key.length + " bytes (expected: " + KEY_BYTES + ")");
        }
    }

    /** The key in {@code base64}, standard or URL-safe alphabet; {@code source} names where it came from. */
    private static byte[] decodeKey(String base64, String source) {
        String trimmed = base64.strip();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException notStandard) {
            try {
                key = Base64.getUrlDecoder().decode(trimmed);
            } catch (IllegalArgumentException notUrlSafe) {
                throw new MasterKeyException(
                        source + " is not valid base64 (expected: base64 of 32 random bytes); " + HOW_TO_SET);
            }
        }
        if (key.length != KEY_BYTES) {
            int length = key.length;
            Arrays.fill(key, (byte) 0);
            throw new MasterKeyException(
                    source + " decodes to " + length + " bytes (expected: " + KEY_BYTES + "); " + HOW_TO_SET);
        }
        return key;
    }

    private static String read(Path file, String variable) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new MasterKeyException(
                    variable + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The key in {@code file}, generated into it first if the file does not exist. */
    private static byte[] generatedKey(Path file) {
        try {
            return decodeKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (NoSuchFileException missing) {
            // generate below
        } catch (IOException e) {
            throw new MasterKeyException(
                    "cannot read the generated master key " + file + " ("
                            + e.getClass().getSimpleName() + "); " + HOW_TO_SET,
                    e);
        }
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        Path temporary = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            temporary = Files.createTempFile(dir, GENERATED_KEY_FILE, ".tmp", ownerOnly(dir));
            Files.writeString(temporary, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            Files.move(temporary, file);
            log.warn(
                    "Generated a master key in {}: back it up, as stored secrets cannot be opened without it;"
                            + " in production set {} instead",
                    file,
                    KEY_VARIABLE);
            return key;
        } catch (FileAlreadyExistsException raced) {
            // Another process generated it first: use theirs.
            return decodeKey(read(file, file.toString()), file.toString());
        } catch (IOException e) {
            throw new MasterKeyException(
                    "cannot write a generated master key to " + file + " ("
                            + e.getClass().getSimpleName() + "); " + HOW_TO_SET,
                    e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // Only a leftover temporary file; the key itself is in place or reported.
                }
            }
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path dir) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            };
        }
        return new FileAttribute<?>[0];
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
