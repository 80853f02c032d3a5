package io.gatehouse.admin.store;

/** Any other storage failure than {@link DatabaseUnavailableException}: a bug or a broken schema. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
