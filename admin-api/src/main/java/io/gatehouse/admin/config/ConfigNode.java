package io.gatehouse.admin.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A YAML mapping being read, with the path that error messages name ({@code providers[1].type}).
 * Every read checks the value's type and range; {@link #allowOnly} rejects misspelt keys. Not
 * thread-safe; used only while loading.
 */
final class ConfigNode {
    private final JsonNode node;
    private final String path;

    ConfigNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String path() {
        return path;
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Fails on any key not in {@code allowed}, naming the ones that are. */
    ConfigNode allowOnly(Set<String> allowed) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ConfigException(at(name) + ": unknown key (expected one of: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    /** The value under {@code key} as written, or null. */
    @Nullable
    JsonNode raw(String key) {
        return node.get(key);
    }

    /** Whether the key is written at all, even with no value ({@code cluster:}). */
    boolean present(String key) {
        return node.has(key);
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    String string(String key) {
        String value = optionalString(key);
        if (value == null) {
            throw new ConfigException(at(key) + ": missing (expected: a non-empty string)");
        }
        return value;
    }

    @Nullable
    String optionalString(String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode() || value.isBoolean()) {
            throw new ConfigException(at(key) + ": " + value + " (expected: a string)");
        }
        String text = value.asText();
        if (text.isBlank()) {
            throw new ConfigException(at(key) + ": empty (expected: a non-empty string)");
        }
        return text;
    }

    String string(String key, String fallback) {
        String value = optionalString(key);
        return value == null ? fallback : value;
    }

    String oneOf(String key, List<String> allowed) {
        String value = string(key);
        if (!allowed.contains(value)) {
            throw new ConfigException(
                    at(key) + ": \"" + value + "\" (expected: one of " + String.join(", ", allowed) + ")");
        }
        return value;
    }

    long integer(String key, long fallback, long min, long max) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        long parsed;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            parsed = value.asLong();
        } else if (value.isTextual() && value.asText().matches("-?\\d{1,18}")) {
            parsed = Long.parseLong(value.asText());
        } else {
            throw new ConfigException(at(key) + ": " + value + " (expected: an integer in " + min + ".." + max + ")");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(at(key) + ": " + parsed + " (expected: " + min + ".." + max + ")");
        }
        return parsed;
    }

    double number(String key, double fallback, double min, double max) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        double parsed;
        if (value.isNumber()) {
            parsed = value.asDouble();
        } else if (value.isTextual() && value.asText().matches("-?\\d{1,9}(\\.\\d{1,9})?")) {
            parsed = Double.parseDouble(value.asText());
        } else {
            throw new ConfigException(at(key) + ": " + value + " (expected: a number in " + min + ".." + max + ")");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new ConfigException(at(key) + ": " + parsed + " (expected: " + min + ".." + max + ")");
        }
        return parsed;
    }

    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        Duration parsed = Durations.parse(value.asText(), at(key));
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new ConfigException(at(key) + ": " + value.asText() + " (expected: between " + Durations.format(min)
                    + " and " + Durations.format(max) + ")");
        }
        return parsed;
    }

    @Nullable
    URI optionalHttpUrl(String key) {
        String value = optionalString(key);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(at(key) + ": \"" + value + "\" (expected: an http:// or https:// URL)");
        }
    }

    @Nullable
    ConfigNode optionalObject(String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new ConfigException(at(key) + ": " + kind(value) + " (expected: a mapping)");
        }
        return new ConfigNode(value, at(key));
    }

    ConfigNode object(String key) {
        ConfigNode value = optionalObject(key);
        if (value == null) {
            throw new ConfigException(at(key) + ": missing (expected: a mapping)");
        }
        return value;
    }

    /** The mappings of a list; an absent key is an empty list. */
    List<ConfigNode> objects(String key) {
        JsonNode value = node.get(key);
        List<ConfigNode> items = new ArrayList<>();
        if (value == null || value.isNull()) {
            return items;
        }
        if (!value.isArray()) {
            throw new ConfigException(at(key) + ": " + kind(value) + " (expected: a list)");
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = at(key) + "[" + i + "]";
            if (!item.isObject()) {
                throw new ConfigException(itemPath + ": " + kind(item) + " (expected: a mapping)");
            }
            items.add(new ConfigNode(item, itemPath));
        }
        return items;
    }

    /** A list of non-empty strings; an absent key is an empty list. */
    List<String> strings(String key) {
        JsonNode value = node.get(key);
        List<String> items = new ArrayList<>();
        if (value == null || value.isNull()) {
            return items;
        }
        if (!value.isArray()) {
            throw new ConfigException(at(key) + ": " + kind(value) + " (expected: a list of strings)");
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
                throw new ConfigException(at(key) + "[" + i + "]: " + item + " (expected: a non-empty string)");
            }
            items.add(item.asText());
        }
        return items;
    }

    /** A mapping of strings to strings; an absent key is an empty map. */
    java.util.Map<String, String> stringMap(String key) {
        ConfigNode object = optionalObject(key);
        java.util.Map<String, String> result = new java.util.LinkedHashMap<>();
        if (object == null) {
            return result;
        }
        Iterator<String> names = object.node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            result.put(name, object.string(name));
        }
        return result;
    }

    boolean bool(String key, boolean fallback) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()
                && (value.asText().equals("true") || value.asText().equals("false"))) {
            return Boolean.parseBoolean(value.asText());
        }
        throw new ConfigException(at(key) + ": " + value + " (expected: true or false)");
    }

    java.time.@Nullable Instant optionalInstant(String key) {
        String value = optionalString(key);
        if (value == null) {
            return null;
        }
        try {
            return java.time.Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException(
                    at(key) + ": \"" + value + "\" (expected: an ISO-8601 instant such as 2027-01-31T00:00:00Z)");
        }
    }

    private static String kind(JsonNode value) {
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        return value.toString();
    }
}
