package io.gatehouse.admin.store;

/**
 * The master key is missing or invalid, or a sealed value cannot be opened with the keys configured.
 * The message says which variable to set; it never holds key material or plaintext.
 */
public class MasterKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MasterKeyException(String message) {
        super(message);
    }

    public MasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
