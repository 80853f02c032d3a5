package io.gatehouse.policy.auth;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads claims by dotted path ({@code realm_access.roles}) from a verified claim set. */
final class ClaimPaths {
    private ClaimPaths() {}

    static @Nullable Object get(Map<String, Object> claims, String path) {
        Object current = claims;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    static @Nullable String string(Map<String, Object> claims, String path) {
        Object value = get(claims, path);
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    /** A list of strings, or a single string, or a space-separated string (OAuth scopes style). */
    static Set<String> strings(Map<String, Object> claims, String path) {
        Object value = get(claims, path);
        Set<String> result = new LinkedHashSet<>();
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (item instanceof String s) {
                    result.add(s);
                }
            }
        } else if (value instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    result.add(part);
                }
            }
        }
        return result;
    }
}
