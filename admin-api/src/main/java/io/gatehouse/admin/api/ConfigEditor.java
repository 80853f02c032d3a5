package io.gatehouse.admin.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.config.ConfigLoader;
import io.gatehouse.admin.resources.ApiKeys;
import io.gatehouse.admin.resources.Documents;
import io.gatehouse.admin.resources.InvalidResourceException;
import io.gatehouse.admin.resources.ResourceType;
import io.gatehouse.admin.resources.Secrets;
import io.gatehouse.admin.store.Actor;
import io.gatehouse.admin.store.ConfigRepository;
import io.gatehouse.admin.store.ConfigRepository.Changes;
import io.gatehouse.admin.store.DatabaseUnavailableException;
import io.gatehouse.admin.store.ResourceKind;
import io.gatehouse.admin.store.ResourceNotFoundException;
import io.gatehouse.admin.store.StoredConfig;
import io.gatehouse.admin.store.StoredResource;
import io.gatehouse.cluster.config.ConfigBus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Changes the stored configuration: each change is validated as part of the whole configuration
 * it would make, stored in one transaction with its audit rows and a new config version, and then
 * announced to the cluster. A change that does not validate stores nothing. Thread-safe; every
 * method blocks on the database, so call it off the IO threads.
 */
public final class ConfigEditor implements ConfigReader {
    private final ConfigRepository repository;
    private final Secrets secrets;
    private final Consumer<JsonNode> validator;
    private final ConfigBus bus;
    private final Supplier<@Nullable StoredConfig> lastApplied;

    /**
     * @param validator checks a whole cluster-wide document as a node would run it (throws {@link
     *     ConfigException} naming the key), policies compiled
     * @param lastApplied the configuration this node runs, answered when the database is down
     */
    public ConfigEditor(
            ConfigRepository repository,
            Secrets secrets,
            Consumer<JsonNode> validator,
            ConfigBus bus,
            Supplier<@Nullable StoredConfig> lastApplied) {
        this.repository = requireNonNull(repository, "repository");
        this.secrets = requireNonNull(secrets, "secrets");
        this.validator = requireNonNull(validator, "validator");
        this.bus = requireNonNull(bus, "bus");
        this.lastApplied = requireNonNull(lastApplied, "lastApplied");
    }

    /** What a committed change returns: its value and the config version that holds it. */
    public record Result<T>(T value, long version, boolean changed) {}

    /** The stored configuration, or the one this node runs when the database is down ({@code stale}). */
    public record Reading(StoredConfig config, boolean stale) {}

    /** A created resource, and the API key issued with it, shown this once. */
    public record Created(StoredResource resource, @Nullable String issuedKey) {}

    /** What an import changes (or would, in a dry run), by resource kind. */
    public record ImportPlan(
            Map<String, List<String>> created,
            Map<String, List<String>> updated,
            Map<String, List<String>> deleted,
            @JsonProperty("dry_run") boolean dryRun) {}

    /** Reads the whole stored configuration. */
    @Override
    public Reading read() {
        try {
            return new Reading(repository.load(), false);
        } catch (DatabaseUnavailableException e) {
            StoredConfig running = lastApplied.get();
            if (running == null) {
                throw e;
            }
            return new Reading(running, true);
        }
    }

    /** Creates a resource; an API key without {@code key} or {@code key_sha256} gets a new key. */
    public Result<Created> create(Actor actor, ResourceType type, ObjectNode body) {
        String name = nameOf(type, body, null);
        ObjectNode spec = body.deepCopy();
        String issued = null;
        if (type == ResourceType.API_KEYS) {
            if (!spec.has("key") && !spec.has("key_sha256")) {
                issued = ApiKeys.generate();
                spec.put("key", issued);
            }
            spec = hashApiKey(spec);
        }
        ObjectNode toStore = spec;
        String key = issued;
        return commit(actor, "create " + type.path() + "/" + name, changes -> {
            StoredResource created = changes.create(type.kind(), name, secrets.seal(type, toStore, null), null);
            if (type == ResourceType.POLICIES
                    && changes.find(ResourceKind.SETTINGS, Documents.POLICIES).isEmpty()) {
                // From now on, deleting the last policy refuses everything rather than allowing it.
                changes.create(ResourceKind.SETTINGS, Documents.POLICIES, body.objectNode(), null);
            }
            validate(changes, locate(changes, type, name));
            return new Created(created, key);
        });
    }

    /** Replaces a resource's spec; {@code ifMatch} is the revision the caller last read, if any. */
    public Result<StoredResource> replace(
            Actor actor, ResourceType type, String name, ObjectNode body, OptionalLong ifMatch) {
        nameOf(type, body, name);
        ObjectNode spec = body.deepCopy();
        spec.put(type.nameField(), name);
        ObjectNode toStore = type == ResourceType.API_KEYS ? hashApiKey(spec) : spec;
        return commit(actor, "update " + type.path() + "/" + name, changes -> {
            StoredResource existing =
                    changes.find(type.kind(), name).orElseThrow(() -> new ResourceNotFoundException(type.kind(), name));
            StoredResource updated =
                    changes.update(type.kind(), name, secrets.seal(type, toStore, existing.spec()), null, ifMatch);
            validate(changes, locate(changes, type, name));
            return updated;
        });
    }

    /** Deletes a resource, refused when another still refers to it. */
    public Result<String> delete(Actor actor, ResourceType type, String name, OptionalLong ifMatch) {
        return commit(actor, "delete " + type.path() + "/" + name, changes -> {
            changes.delete(type.kind(), name, ifMatch);
            validate(changes, "");
            return name;
        });
    }

    /** Replaces the {@code limits} section. */
    public Result<StoredResource> putLimits(Actor actor, ObjectNode body, OptionalLong ifMatch) {
        return commit(actor, "update limits", changes -> {
            Optional<StoredResource> existing = changes.find(ResourceKind.SETTINGS, Documents.LIMITS);
            StoredResource stored = existing.isPresent()
                    ? changes.update(ResourceKind.SETTINGS, Documents.LIMITS, body, null, ifMatch)
                    : changes.create(ResourceKind.SETTINGS, Documents.LIMITS, body, null);
            validate(changes, Documents.LIMITS);
            return stored;
        });
    }

    /**
     * Makes the stored configuration equal to {@code document} (the config file's cluster-wide
     * sections), all or nothing. Secrets written as {@link Secrets#MASK} keep the stored value of
     * the resource with the same name. {@code ifMatch} is the config version the caller exported.
     */
    public Result<ImportPlan> importDocument(Actor actor, JsonNode document, OptionalLong ifMatch, boolean dryRun) {
        requireNonNull(document, "document");
        if (!document.isObject()) {
            throw new InvalidResourceException(null, "the document must be a mapping of top-level keys");
        }
        document.fieldNames().forEachRemaining(key -> {
            if (!ConfigLoader.SHARED_KEYS.contains(key)) {
                throw new InvalidResourceException(
                        key,
                        key + ": not imported (expected only "
                                + String.join(", ", new TreeSet<>(ConfigLoader.SHARED_KEYS))
                                + "; node, cluster and database settings come from each node's file and environment)");
            }
        });
        try {
            validator.accept(document); // the document's own errors, named as the caller wrote them
        } catch (ConfigException e) {
            throw invalid(e.getMessage(), "");
        }
        Map<ResourceKind, List<Documents.Row>> rows = Documents.split(document);
        try {
            return commit(actor, "import", changes -> {
                if (ifMatch.isPresent() && ifMatch.getAsLong() != changes.version() - 1) {
                    throw new StaleVersionException(changes.version() - 1);
                }
                ImportPlan plan = apply(changes, rows, dryRun);
                validate(changes, "");
                if (dryRun) {
                    throw new DryRun(plan);
                }
                return plan;
            });
        } catch (DryRun dry) {
            return new Result<>(dry.plan, repository.version(), false);
        }
    }

    /** Seals every secret again under the current master key; returns how many resources changed. */
    public Result<Integer> resealSecrets(Actor actor) {
        return commit(actor, "reseal secrets under the current master key", changes -> {
            int count = 0;
            for (ResourceType type : ResourceType.values()) {
                for (StoredResource resource : changes.list(type.kind())) {
                    ObjectNode resealed = secrets.reseal(type, resource.spec());
                    if (resealed != null) {
                        changes.update(type.kind(), resource.name(), resealed, null, OptionalLong.empty());
                        count++;
                    }
                }
            }
            return count;
        });
    }

    /** Whether every live node runs {@code version} (or newer) within {@code timeout}. */
    public boolean awaitConverged(long version, Duration timeout) {
        try {
            return bus.awaitConverged(version, timeout).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private <T> Result<T> commit(Actor actor, String summary, ConfigRepository.WriteAction<T> action) {
        ConfigRepository.Commit<T> commit = repository.write(actor, summary, action);
        if (commit.changed()) {
            bus.announce(commit.version());
        }
        return new Result<>(commit.value(), commit.version(), commit.changed());
    }

    private ImportPlan apply(Changes changes, Map<ResourceKind, List<Documents.Row>> rows, boolean dryRun) {
        Map<String, List<String>> created = new TreeMap<>();
        Map<String, List<String>> updated = new TreeMap<>();
        Map<String, List<String>> deleted = new TreeMap<>();
        for (Map.Entry<ResourceKind, List<Documents.Row>> entry : rows.entrySet()) {
            ResourceKind kind = entry.getKey();
            ResourceType type = ResourceType.of(kind).orElse(null);
            Map<String, StoredResource> existing = new LinkedHashMap<>();
            changes.list(kind).forEach(r -> existing.put(r.name(), r));
            Set<String> kept = new HashSet<>();
            List<Documents.Row> list = entry.getValue();
            for (int i = 0; i < list.size(); i++) {
                Documents.Row row = list.get(i);
                StoredResource before = existing.get(row.name());
                ObjectNode spec = type == null
                        ? row.spec()
                        : secrets.seal(type, row.spec(), before == null ? null : before.spec());
                kept.add(row.name());
                if (before == null) {
                    changes.create(kind, row.name(), spec, i);
                    created.computeIfAbsent(kind.table(), k -> new ArrayList<>())
                            .add(row.name());
                } else {
                    StoredResource after = changes.update(kind, row.name(), spec, i, OptionalLong.empty());
                    if (after.revision() != before.revision()) {
                        updated.computeIfAbsent(kind.table(), k -> new ArrayList<>())
                                .add(row.name());
                    }
                }
            }
            for (String name : existing.keySet()) {
                if (!kept.contains(name)) {
                    changes.delete(kind, name, OptionalLong.empty());
                    deleted.computeIfAbsent(kind.table(), k -> new ArrayList<>())
                            .add(name);
                }
            }
        }
        return new ImportPlan(created, updated, deleted, dryRun);
    }

    /**
     * Validates the configuration the transaction would commit. Errors under {@code prefix} (where
     * the changed resource sits in the document) name its fields as the request body has them
     * ({@code type}, not {@code providers[3].type}).
     */
    private void validate(Changes changes, String prefix) {
        List<StoredResource> all = new ArrayList<>();
        for (ResourceKind kind : ResourceKind.values()) {
            all.addAll(changes.list(kind));
        }
        ObjectNode document = Documents.assemble(all, secrets::open);
        try {
            validator.accept(document);
        } catch (ConfigException e) {
            throw invalid(e.getMessage(), prefix);
        }
    }

    /** Where resource {@code name} of {@code type} sits in the document the transaction makes. */
    private static String locate(Changes changes, ResourceType type, String name) {
        List<StoredResource> ofType = changes.list(type.kind());
        for (int i = 0; i < ofType.size(); i++) {
            if (ofType.get(i).name().equals(name)) {
                return Documents.locate(type, i);
            }
        }
        return "";
    }

    private static InvalidResourceException invalid(String message, String prefix) {
        if (!prefix.isEmpty() && message.startsWith(prefix + " (") && message.indexOf(").") > 0) {
            // Policy errors name the policy too: "policies[3] (eng-premium).when: ..."
            message = prefix + message.substring(message.indexOf(").") + 1);
        }
        if (!prefix.isEmpty() && message.startsWith(prefix + ".")) {
            String relative = message.substring(prefix.length() + 1);
            int colon = relative.indexOf(':');
            return new InvalidResourceException(colon > 0 ? relative.substring(0, colon) : null, relative);
        }
        if (!prefix.isEmpty() && message.startsWith(prefix + ":")) {
            return new InvalidResourceException(
                    null, message.substring(prefix.length() + 1).trim());
        }
        int colon = message.indexOf(':');
        return new InvalidResourceException(colon > 0 ? message.substring(0, colon) : null, message);
    }

    private static String nameOf(ResourceType type, ObjectNode body, @Nullable String path) {
        JsonNode value = body.get(type.nameField());
        if (value == null || value.isNull()) {
            if (path != null) {
                return path;
            }
            throw new InvalidResourceException(
                    type.nameField(), type.nameField() + ": missing (expected: a non-empty string)");
        }
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 200) {
            throw new InvalidResourceException(
                    type.nameField(), type.nameField() + ": " + value + " (expected: a string of 1 to 200 characters)");
        }
        if (path != null && !value.asText().equals(path)) {
            throw new InvalidResourceException(
                    type.nameField(),
                    type.nameField() + ": \"" + value.asText() + "\" differs from the path's \"" + path
                            + "\" (expected: the same name; to rename, create the new one and delete the old)");
        }
        return value.asText();
    }

    private static ObjectNode hashApiKey(ObjectNode spec) {
        if (spec.has("key") && spec.has("key_sha256")) {
            throw new InvalidResourceException(
                    "key", "key: set together with key_sha256 (expected: exactly one of key or key_sha256)");
        }
        JsonNode key = spec.get("key");
        if (key != null && key.isTextual() && key.asText().length() < 24) {
            throw new InvalidResourceException(
                    "key",
                    "key: " + key.asText().length()
                            + " characters (expected: at least 24, or leave it out to get a generated key)");
        }
        return ApiKeys.hashed(spec);
    }

    /** Unwinds a dry run's transaction, carrying what it would have changed. */
    private static final class DryRun extends RuntimeException {
        private final ImportPlan plan;

        DryRun(ImportPlan plan) {
            super(null, null, false, false);
            this.plan = plan;
        }
    }

    /** The document was exported at another version than the stored one. */
    public static final class StaleVersionException extends RuntimeException {
        private final long current;

        StaleVersionException(long current) {
            super("the configuration changed since it was read (now version " + current + ")", null, false, false);
            this.current = current;
        }

        public long current() {
            return current;
        }
    }
}
