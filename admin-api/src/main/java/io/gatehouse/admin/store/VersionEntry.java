package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One committed configuration version. Immutable.
 *
 * @param version the version, from 1
 * @param committedAt when it was committed
 * @param actor who committed it
 * @param summary what the write said it did
 */
public record VersionEntry(long version, Instant committedAt, Actor actor, String summary) {
    public VersionEntry {
        requireNonNull(committedAt, "committedAt");
        requireNonNull(actor, "actor");
        requireNonNull(summary, "summary");
    }
}
