package io.gatehouse.admin.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in every string value of a parsed config
 * document (never in keys, and never by re-parsing YAML, so a value cannot inject structure). An
 * unset variable without a default is an error that names the key and the variable; {@code $${}
 * writes a literal {@code ${}.
 */
final class EnvExpander {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Function<String, @Nullable String> env;

    EnvExpander(Function<String, @Nullable String> env) {
        this.env = env;
    }

    void expand(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(expand(field.getValue().asText(), fieldPath)));
                } else {
                    expand(field.getValue(), fieldPath);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String itemPath = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(expand(array.get(i).asText(), itemPath)));
                } else {
                    expand(array.get(i), itemPath);
                }
            }
        }
    }

    String expand(String value, String path) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$${")) {
                replacement = "${";
            } else {
                String name = m.group(1);
                String fallback = m.group(2);
                String resolved = env.apply(name);
                if (resolved == null || (resolved.isEmpty() && fallback != null)) {
                    if (fallback == null) {
                        throw new ConfigException(path + ": environment variable " + name
                                + " is not set (set it, or write ${" + name + ":-default})");
                    }
                    resolved = fallback;
                }
                replacement = resolved;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
