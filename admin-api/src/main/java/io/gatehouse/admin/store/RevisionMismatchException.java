package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

/**
 * A conditional update or delete expected another revision than the stored one (someone changed the
 * resource in between): callers answer 409 or 412, and the client reads it again before retrying.
 */
public class RevisionMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ResourceKind kind;
    private final String name;
    private final long expectedRevision;
    private final long currentRevision;

    public RevisionMismatchException(ResourceKind kind, String name, long expectedRevision, long currentRevision) {
        super(kind.table() + " '" + name + "' is at revision " + currentRevision + " (expected: " + expectedRevision
                + "); read it again and retry");
        this.kind = requireNonNull(kind, "kind");
        this.name = requireNonNull(name, "name");
        this.expectedRevision = expectedRevision;
        this.currentRevision = currentRevision;
    }

    public ResourceKind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The revision the caller expected. */
    public long expectedRevision() {
        return expectedRevision;
    }

    /** The revision stored now. */
    public long currentRevision() {
        return currentRevision;
    }
}
