package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

/** A write wanted to create a resource whose name is taken: callers answer 409. */
public class ResourceConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ResourceKind kind;
    private final String name;

    public ResourceConflictException(ResourceKind kind, String name) {
        super(kind.table() + " '" + name + "' already exists (expected: a name not in use; update it instead)");
        this.kind = requireNonNull(kind, "kind");
        this.name = requireNonNull(name, "name");
    }

    public ResourceKind kind() {
        return kind;
    }

    public String name() {
        return name;
    }
}
