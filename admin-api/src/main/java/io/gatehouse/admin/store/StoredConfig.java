package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A consistent view of every resource at one version. Immutable.
 *
 * @param version the committed version this view shows (0 before the first write)
 * @param committedAt when that version was committed; null for version 0
 * @param resources every resource, ordered by kind, then position, then name
 */
public record StoredConfig(long version, @Nullable Instant committedAt, List<StoredResource> resources) {

    static final Comparator<StoredResource> ORDER = Comparator.comparing(StoredResource::kind)
            .thenComparingInt(StoredResource::position)
            .thenComparing(StoredResource::name);

    public StoredConfig {
        if (version < 0) {
            throw new IllegalArgumentException("version: " + version + " (expected: 0 or more)");
        }
        resources =
                requireNonNull(resources, "resources").stream().sorted(ORDER).toList();
    }

    /** The resources of one kind, ordered by position, then name. */
    public List<StoredResource> of(ResourceKind kind) {
        requireNonNull(kind, "kind");
        return resources.stream().filter(r -> r.kind() == kind).toList();
    }
}
