package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One stored resource. Immutable: {@code spec} is copied on the way in and on the way out.
 *
 * @param kind the kind of resource
 * @param name its name, unique within its kind
 * @param position where it comes among the resources of its kind (smaller first; ties by name)
 * @param spec its JSON document; secret values in it are sealed ({@code enc:v1:...})
 * @param revision 1 when created, incremented by every update that changes it
 * @param updatedAt when it was created or last changed
 */
public record StoredResource(
        ResourceKind kind, String name, int position, ObjectNode spec, long revision, Instant updatedAt) {

    public StoredResource {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        requireNonNull(updatedAt, "updatedAt");
        spec = requireNonNull(spec, "spec").deepCopy();
    }

    /** A copy of the resource's JSON document. */
    @Override
    public ObjectNode spec() {
        return spec.deepCopy();
    }

    /** The stored document itself, for code in this package that neither changes nor leaks it. */
    ObjectNode specUnsafe() {
        return spec;
    }
}
