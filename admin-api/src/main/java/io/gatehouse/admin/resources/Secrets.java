package io.gatehouse.admin.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.store.SecretBox;
import org.jspecify.annotations.Nullable;

/**
 * The secret fields of a resource: sealed under the master key before they are stored, opened only
 * to build the running configuration, and masked in every answer. Thread-safe.
 */
public final class Secrets {
    /** What a secret reads as in every answer; written back, it keeps the stored secret. */
    public static final String MASK = "********";

    private final SecretBox box;

    public Secrets(SecretBox box) {
        this.box = requireNonNull(box, "box");
    }

    /**
     * The spec to store: each secret field sealed. A field written as {@link #MASK} keeps the value
     * of {@code stored} (the resource as stored before this change).
     *
     * @throws InvalidResourceException if a masked field has no stored value to keep, or a value is
     *     already sealed (sealed values are never handed out, so one cannot be written back)
     */
    public ObjectNode seal(ResourceType type, ObjectNode spec, @Nullable ObjectNode stored) {
        ObjectNode sealed = spec.deepCopy();
        for (String field : type.secretFields()) {
            JsonNode value = sealed.get(field);
            if (value == null || !value.isTextual()) {
                continue; // absent, or of the wrong type, which validation names
            }
            String text = value.asText();
            if (text.equals(MASK)) {
                JsonNode kept = stored == null ? null : stored.get(field);
                if (kept == null || !kept.isTextual()) {
                    throw new InvalidResourceException(
                            field,
                            field + ": " + MASK + " keeps a stored secret, but none is stored (expected: the secret)");
                }
                sealed.set(field, kept);
            } else if (SecretBox.isSealed(text)) {
                throw new InvalidResourceException(field, field + ": a sealed value (expected: the secret itself)");
            } else if (text.contains("${")) {
                throw new InvalidResourceException(
                        field,
                        field + ": an environment reference, which stored configuration does not expand (expected:"
                                + " the secret itself)");
            } else if (isSealedAs(stored, field, text)) {
                sealed.set(field, stored.get(field)); // unchanged: keep it, so re-imports change nothing
            } else {
                sealed.put(field, box.seal(text));
            }
        }
        return sealed;
    }

    private boolean isSealedAs(@Nullable ObjectNode stored, String field, String clear) {
        JsonNode value = stored == null ? null : stored.get(field);
        return value != null
                && value.isTextual()
                && SecretBox.isSealed(value.asText())
                && box.open(value.asText()).equals(clear);
    }

    /** The spec with its secrets in clear, for the running configuration only. */
    public ObjectNode open(ResourceType type, ObjectNode spec) {
        ObjectNode opened = spec.deepCopy();
        for (String field : type.secretFields()) {
            JsonNode value = opened.get(field);
            if (value != null && value.isTextual() && SecretBox.isSealed(value.asText())) {
                opened.put(field, box.open(value.asText()));
            }
        }
        return opened;
    }

    /** The spec sealed again under the current master key (for key rotation); null if already so. */
    public @Nullable ObjectNode reseal(ResourceType type, ObjectNode spec) {
        ObjectNode resealed = spec.deepCopy();
        boolean changed = false;
        for (String field : type.secretFields()) {
            JsonNode value = resealed.get(field);
            if (value != null && value.isTextual() && !box.isSealedWithCurrentKey(value.asText())) {
                resealed.put(field, box.seal(box.open(value.asText())));
                changed = true;
            }
        }
        return changed ? resealed : null;
    }

    /** The spec as answers show it: each secret present reads {@link #MASK}. */
    public static ObjectNode mask(ResourceType type, ObjectNode spec) {
        ObjectNode masked = spec.deepCopy();
        for (String field : type.secretFields()) {
            if (masked.hasNonNull(field)) {
                masked.put(field, MASK);
            }
        }
        return masked;
    }
}
