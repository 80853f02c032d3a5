package io.gatehouse.admin.sync;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.store.ResourceKind;
import io.gatehouse.admin.store.StoredConfig;
import io.gatehouse.admin.store.StoredResource;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot a node last applied, kept in its data directory ({@code config-snapshot.json}) so it
 * can start and serve while the database is down. Secrets stay sealed in it, as in the database.
 * Written atomically (a temporary file moved into place). Thread-safe for one writer.
 */
public final class LastKnownGood {
    static final String FILE = "config-snapshot.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public LastKnownGood(Path dataDir) {
        this.file = requireNonNull(dataDir, "dataDir").resolve(FILE);
    }

    /** Where the snapshot lives. */
    public Path file() {
        return file;
    }

    /** Replaces the snapshot with {@code config}. */
    public void write(StoredConfig config) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", 1);
        root.put("version", config.version());
        root.put(
                "committed_at",
                config.committedAt() == null ? null : config.committedAt().toString());
        ArrayNode resources = root.putArray("resources");
        for (StoredResource resource : config.resources()) {
            ObjectNode item = resources.addObject();
            item.put("kind", resource.kind().name());
            item.put("name", resource.name());
            item.put("position", resource.position());
            item.put("revision", resource.revision());
            item.put("updated_at", resource.updatedAt().toString());
            item.set("spec", resource.spec());
        }
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(FILE + ".tmp");
        Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        ownerOnly(temporary);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The snapshot, if one was written. @throws IOException if it exists but cannot be read */
    public Optional<StoredConfig> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode root = JSON.readTree(bytes);
        if (root == null || root.path("format").asInt() != 1) {
            throw new IOException(file + ": not a config snapshot of a known format");
        }
        List<StoredResource> resources = new ArrayList<>();
        for (JsonNode item : root.path("resources")) {
            resources.add(new StoredResource(
                    ResourceKind.valueOf(item.path("kind").asText()),
                    item.path("name").asText(),
                    item.path("position").asInt(),
                    (ObjectNode) item.path("spec"),
                    item.path("revision").asLong(),
                    Instant.parse(item.path("updated_at").asText())));
        }
        String committed = root.path("committed_at").asText(null);
        return Optional.of(new StoredConfig(
                root.path("version").asLong(), committed == null ? null : Instant.parse(committed), resources));
    }

    private static void ownerOnly(Path path) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the data directory's own permissions apply
        }
    }
}
