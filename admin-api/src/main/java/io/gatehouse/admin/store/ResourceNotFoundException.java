package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

/** The resource a write wanted to update or delete does not exist: callers answer 404. */
public class ResourceNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ResourceKind kind;
    private final String name;

    public ResourceNotFoundException(ResourceKind kind, String name) {
        super(kind.table() + " '" + name + "' does not exist");
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
