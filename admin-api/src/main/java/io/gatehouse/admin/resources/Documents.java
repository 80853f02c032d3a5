package io.gatehouse.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.store.ResourceKind;
import io.gatehouse.admin.store.StoredResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns stored resources into the config document's cluster-wide sections and back. The document
 * is the config file's shape ({@code providers}, {@code models}, {@code auth.jwt.issuers}, {@code
 * auth.api_keys}, {@code policies}, {@code limits}, {@code cache}), so a config file seeds the database and the
 * database exports as a config file. Stateless.
 */
public final class Documents {
    /** The settings row holding the {@code limits} section. */
    public static final String LIMITS = "limits";

    /** The settings row holding the {@code cache} section. */
    public static final String CACHE = "cache";

    /**
     * The settings row saying the {@code policies} key is present: with it and no policy, every
     * request is refused, as {@code policies: []} in a file; without it, every request is allowed,
     * as a file without the key. Once a policy has been created, deleting the last one therefore
     * closes the gateway instead of opening it.
     */
    public static final String POLICIES = "policies";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Documents() {}

    /** A resource as the document lists it: its name and its spec. */
    public record Row(String name, ObjectNode spec) {}

    /**
     * The document {@code resources} make, each spec passed through {@code view} first (opening or
     * masking secrets). With no policy stored, the {@code policies} key is absent: every caller may
     * use every model.
     */
    public static ObjectNode assemble(
            List<StoredResource> resources, BiFunction<ResourceType, ObjectNode, ObjectNode> view) {
        ObjectNode document = JSON.createObjectNode();
        for (StoredResource resource : resources) {
            ObjectNode spec = resource.spec();
            if (resource.kind() == ResourceKind.SETTINGS) {
                if (resource.name().equals(POLICIES)) {
                    listAt(document, POLICIES); // present, even when empty
                } else {
                    document.set(resource.name(), spec);
                }
                continue;
            }
            ResourceType type = ResourceType.of(resource.kind()).orElseThrow();
            listAt(document, type.documentPath()).add(view.apply(type, spec));
        }
        return document;
    }

    /**
     * The rows a validated document holds, by kind, each list in the document's order; API keys
     * given in clear are kept as their hash only.
     */
    public static Map<ResourceKind, List<Row>> split(JsonNode document) {
        Map<ResourceKind, List<Row>> rows = new LinkedHashMap<>();
        for (ResourceKind kind : ResourceKind.values()) {
            rows.put(kind, new ArrayList<>());
        }
        for (ResourceType type : ResourceType.values()) {
            JsonNode list = at(document, type.documentPath());
            if (list == null || !list.isArray()) {
                continue;
            }
            for (JsonNode item : list) {
                ObjectNode spec = ((ObjectNode) item).deepCopy();
                if (type == ResourceType.API_KEYS) {
                    spec = ApiKeys.hashed(spec);
                }
                rows.get(type.kind()).add(new Row(spec.path(type.nameField()).asText(), spec));
            }
        }
        if (document.has(POLICIES) && !document.get(POLICIES).isNull()) {
            rows.get(ResourceKind.SETTINGS).add(new Row(POLICIES, JSON.createObjectNode()));
        }
        for (String section : List.of(LIMITS, CACHE)) {
            JsonNode settings = document.get(section);
            if (settings != null && settings.isObject()) {
                rows.get(ResourceKind.SETTINGS).add(new Row(section, ((ObjectNode) settings).deepCopy()));
            }
        }
        return rows;
    }

    /** Where the {@code index}-th resource of {@code type} sits in the document ({@code providers[2]}). */
    public static String locate(ResourceType type, int index) {
        return type.documentPath() + "[" + index + "]";
    }

    private static ArrayNode listAt(ObjectNode document, String path) {
        ObjectNode parent = document;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.has(parts[i]) ? (ObjectNode) parent.get(parts[i]) : parent.putObject(parts[i]);
        }
        String last = parts[parts.length - 1];
        return parent.has(last) ? (ArrayNode) parent.get(last) : parent.putArray(last);
    }

    private static JsonNode at(JsonNode document, String path) {
        JsonNode node = document;
        for (String part : path.split("\\.")) {
            node = node == null ? null : node.get(part);
        }
        return node;
    }
}
