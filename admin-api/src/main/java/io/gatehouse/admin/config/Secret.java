package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

/**
 * A credential from the configuration. Its {@link #toString()} is masked so it cannot reach a log
 * or an error by accident; only {@link #reveal()} gives the value, to the code that sends it.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = requireNonNull(value, "value");
    }

    /** The secret value, for the credential step that sends it upstream and nothing else. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
