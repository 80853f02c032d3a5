package io.gatehouse.admin.resources;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A resource or document that does not validate; nothing was stored. The message names the field
 * and the expected value; {@link #field()} is the field's path within the request body, if known.
 */
public final class InvalidResourceException extends RuntimeException {
    private final @Nullable String field;

    public InvalidResourceException(@Nullable String field, String message) {
        super(requireNonNull(message, "message"), null, false, false);
        this.field = field;
    }

    public @Nullable String field() {
        return field;
    }
}
