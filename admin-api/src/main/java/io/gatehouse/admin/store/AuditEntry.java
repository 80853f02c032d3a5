package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the audit log: one created, updated or deleted resource. Immutable: the documents are
 * copied on the way in and out.
 *
 * @param id increasing with time; pass the smallest one seen as {@code beforeId} for the next page
 * @param at when the change was committed
 * @param actor who made it
 * @param version the configuration version it was committed in
 * @param action {@code "create"}, {@code "update"} or {@code "delete"}
 * @param kind the kind of the resource
 * @param name the resource's name
 * @param before the spec before the change (null for a create), sealed secrets shown as {@code
 *     "********"}
 * @param after the spec after the change (null for a delete), sealed secrets shown as {@code
 *     "********"}
 */
public record AuditEntry(
        long id,
        Instant at,
        Actor actor,
        long version,
        String action,
        ResourceKind kind,
        String name,
        @Nullable JsonNode before,
        @Nullable JsonNode after) {

    public AuditEntry {
        requireNonNull(at, "at");
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        before = before == null ? null : before.deepCopy();
        after = after == null ? null : after.deepCopy();
    }

    @Override
    public @Nullable JsonNode before() {
        return before == null ? null : before.deepCopy();
    }

    @Override
    public @Nullable JsonNode after() {
        return after == null ? null : after.deepCopy();
    }
}
