package io.gatehouse.admin.resources;

import io.gatehouse.admin.store.ResourceKind;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of configuration the admin API manages one by one: where each lives in the API
 * ({@code /admin/v1/<path>}), in the database and in the config document, which field names it, and
 * which of its fields are secrets (sealed at rest, never returned).
 */
public enum ResourceType {
    PROVIDERS(
            "providers",
            ResourceKind.PROVIDERS,
            "name",
            "providers",
            // credentials_file may hold a service account's JSON key itself rather than its path.
            Set.of("api_key", "access_key_id", "secret_access_key", "session_token", "credentials_file")),
    MODELS("models", ResourceKind.MODELS, "name", "models", Set.of()),
    POLICIES("policies", ResourceKind.POLICIES, "name", "policies", Set.of()),
    API_KEYS("api-keys", ResourceKind.API_KEYS, "name", "auth.api_keys", Set.of()),
    ISSUERS("issuers", ResourceKind.ISSUERS, "issuer", "auth.jwt.issuers", Set.of());

    private final String path;
    private final ResourceKind kind;
    private final String nameField;
    private final String documentPath;
    private final Set<String> secretFields;

    ResourceType(String path, ResourceKind kind, String nameField, String documentPath, Set<String> secretFields) {
        this.path = path;
        this.kind = kind;
        this.nameField = nameField;
        this.documentPath = documentPath;
        this.secretFields = secretFields;
    }

    /** The path segment under {@code /admin/v1/}. */
    public String path() {
        return path;
    }

    /** Where it is stored. */
    public ResourceKind kind() {
        return kind;
    }

    /** The field of a resource that names it (unique within its type). */
    public String nameField() {
        return nameField;
    }

    /** Where its list sits in the config document, as error messages name it. */
    public String documentPath() {
        return documentPath;
    }

    /** Top-level fields holding credentials. */
    public Set<String> secretFields() {
        return secretFields;
    }

    /** The type stored as {@code kind}, if it is managed one by one. */
    public static Optional<ResourceType> of(ResourceKind kind) {
        for (ResourceType type : values()) {
            if (type.kind == kind) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
