package io.gatehouse.admin.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The versioned, audited configuration resources in the database. Thread-safe: every call runs in its
 * own transaction on its own pooled connection.
 *
 * <p>Writes are serialized by a lock on the single {@code config_head} row, so each committed write
 * gets exactly the next version, on one node or many. Reads never wait for writes.
 *
 * <p>Failures: {@link DatabaseUnavailableException} when the database cannot be reached (answer 503),
 * {@link StoreException} for anything else the database refuses (answer 500), and the resource
 * exceptions {@link ResourceNotFoundException}, {@link ResourceConflictException} and {@link
 * RevisionMismatchException} from {@link Changes}.
 */
public final class ConfigRepository {
    /** What the audit log shows instead of a sealed secret value. */
    static final String MASK = "********";

    static final int MAX_NAME = 200;
    static final int MAX_PAGE = 1000;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SEALED_PREFIX = "enc:";

    private final Database database;
    private final Clock clock;

    public ConfigRepository(Database database) {
        this(database, Clock.systemUTC());
    }

    ConfigRepository(Database database, Clock clock) {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Every resource at the committed head version, read in one transaction that sees all tables at the
     * same instant (REPEATABLE READ on PostgreSQL, SERIALIZABLE on H2, whose REPEATABLE READ does not).
     */
    public StoredConfig load() {
        return withConnection("loading the configuration", c -> {
            try {
                StoredConfig config = retryable(() -> {
                    c.setAutoCommit(false);
                    c.setReadOnly(true);
                    c.setTransactionIsolation(database.snapshotIsolation());
                    long version = headVersion(c, false);
                    Instant committedAt = version == 0 ? null : committedAt(c, version);
                    List<StoredResource> resources = new ArrayList<>();
                    for (ResourceKind kind : ResourceKind.values()) {
                        resources.addAll(select(c, kind, null));
                    }
                    return new StoredConfig(version, committedAt, resources);
                });
                c.commit();
                return config;
            } catch (Throwable t) {
                rollbackQuietly(c);
                throw t;
            }
        });
    }

    /** The committed head version (0 before the first write). */
    public long version() {
        return withConnection("reading the configuration version", c -> retryable(() -> headVersion(c, false)));
    }

    /**
     * Runs {@code action} in one transaction: locks {@code config_head} ({@code SELECT ... FOR UPDATE}),
     * computes version = head + 1, lets the action read and change resources, appends one audit row per
     * change (with this version and actor) and one {@code config_versions} row, updates {@code
     * config_head} and commits.
     *
     * <p>If the action made no change, rolls back and returns {@code Commit(changed = false, version =
     * the current head)}. If the action throws, rolls back and rethrows the same exception. Connection
     * failures become {@link DatabaseUnavailableException}; if the connection breaks during the commit
     * itself, the write may or may not have committed (never partly), so callers read again.
     *
     * <p>Writes run at READ COMMITTED: once a writer holds the head lock, no other writer can commit, and
     * each of its statements sees everything committed before it. A writer waits at most {@link
     * Database#LOCK_TIMEOUT} for the lock (then {@link DatabaseUnavailableException}), so the action
     * should be quick and must not call this repository itself: a nested write would wait for its own
     * lock.
     *
     * @param actor who makes the change
     * @param summary what the change does, for the version history (e.g. "update provider openai")
     */
    public <T extends @Nullable Object> Commit<T> write(Actor actor, String summary, WriteAction<T> action) {
        requireNonNull(actor, "actor");
        requireNonNull(summary, "summary");
        requireNonNull(action, "action");
        return withConnection("writing the configuration", c -> {
            WriteChanges changes = null;
            try {
                // Nothing is written before the lock is held, so a broken connection here may be retried.
                long head = retryable(() -> {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    return headVersion(c, true);
                });
                long version = head + 1;
                Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
                // First, so that the rows written next can reference it; rolled back if nothing changes.
                insertVersion(c, version, now, actor, summary);
                changes = new WriteChanges(c, version, now, actor);
                T value = action.apply(changes);
                changes.end();
                if (changes.count() == 0) {
                    c.rollback();
                    Instant headCommittedAt = head == 0 ? Instant.EPOCH : committedAt(c, head);
                    c.commit();
                    return new Commit<>(head, false, value, headCommittedAt);
                }
                try (PreparedStatement update = c.prepareStatement("UPDATE config_head SET version = ? WHERE id = 1")) {
                    update.setLong(1, version);
                    update.executeUpdate();
                }
                c.commit();
                return new Commit<>(version, true, value, now);
            } catch (Throwable t) {
                if (changes != null) {
                    changes.end();
                }
                rollbackQuietly(c);
                throw t;
            }
        });
    }

    /**
     * Audit entries, newest first.
     *
     * @param kind only this kind; null = any
     * @param name only resources of this name; null = any
     * @param beforeId only entries with a smaller id ({@link Long#MAX_VALUE} for the newest)
     * @param limit at most this many, 1..1000
     */
    public List<AuditEntry> audit(@Nullable ResourceKind kind, @Nullable String name, long beforeId, int limit) {
        checkLimit(limit);
        StringBuilder sql = new StringBuilder(
                "SELECT id, at, actor_subject, actor_via, version, action, kind, name, before_spec, after_spec"
                        + " FROM audit_log WHERE id < ?");
        if (kind != null) {
            sql.append(" AND kind = ?");
        }
        if (name != null) {
            sql.append(" AND name = ?");
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        return withConnection("reading the audit log", c -> {
            try (PreparedStatement select = c.prepareStatement(sql.toString())) {
                int i = 1;
                select.setLong(i++, beforeId);
                if (kind != null) {
                    select.setString(i++, kind.table());
                }
                if (name != null) {
                    select.setString(i++, name);
                }
                select.setInt(i, limit);
                List<AuditEntry> entries = new ArrayList<>();
                try (ResultSet rows = retryable(select::executeQuery)) {
                    while (rows.next()) {
                        String table = rows.getString("kind");
                        ResourceKind rowKind = ResourceKind.ofTable(table)
                                .orElseThrow(() -> new StoreException("audit_log holds an unknown kind '" + table
                                        + "' (expected: one of the resource tables); was it written by a newer"
                                        + " Gatehouse?"));
                        entries.add(new AuditEntry(
                                rows.getLong("id"),
                                instant(rows, "at"),
                                new Actor(rows.getString("actor_subject"), rows.getString("actor_via")),
                                rows.getLong("version"),
                                rows.getString("action"),
                                rowKind,
                                rows.getString("name"),
                                parseNullable(rows.getString("before_spec")),
                                parseNullable(rows.getString("after_spec"))));
                    }
                }
                return entries;
            }
        });
    }

    /** The committed versions, newest first; at most {@code limit} (1..1000). */
    public List<VersionEntry> versions(int limit) {
        checkLimit(limit);
        return withConnection("reading the configuration versions", c -> {
            try (PreparedStatement select =
                    c.prepareStatement("SELECT version, committed_at, actor_subject, actor_via, summary"
                            + " FROM config_versions ORDER BY version DESC LIMIT ?")) {
                select.setInt(1, limit);
                List<VersionEntry> entries = new ArrayList<>();
                try (ResultSet rows = retryable(select::executeQuery)) {
                    while (rows.next()) {
                        entries.add(new VersionEntry(
                                rows.getLong("version"),
                                instant(rows, "committed_at"),
                                new Actor(rows.getString("actor_subject"), rows.getString("actor_via")),
                                rows.getString("summary")));
                    }
                }
                return entries;
            }
        });
    }

    /**
     * The outcome of {@link #write}. Immutable if {@code value} is.
     *
     * @param version the version committed, or the current head when nothing changed
     * @param changed whether the write changed anything (and so committed a new version)
     * @param value what the action returned
     * @param committedAt when the version was committed; for an unchanged write, when the current head
     *     was ({@link Instant#EPOCH} while nothing has ever been committed)
     */
    public record Commit<T extends @Nullable Object>(long version, boolean changed, T value, Instant committedAt) {}

    /** What a write does inside its transaction. */
    @FunctionalInterface
    public interface WriteAction<T extends @Nullable Object> {
        T apply(Changes changes);
    }

    /**
     * The operations a write may perform, inside its transaction. Not thread-safe; valid only during
     * {@link WriteAction#apply}.
     */
    public interface Changes {
        Optional<StoredResource> find(ResourceKind kind, String name);

        /** The resources of one kind, ordered by position, then name. */
        List<StoredResource> list(ResourceKind kind);

        /**
         * Creates a resource at revision 1.
         *
         * @param position null = after the last one of that kind
         * @throws ResourceConflictException if the name exists
         */
        StoredResource create(ResourceKind kind, String name, ObjectNode spec, @Nullable Integer position);

        /**
         * Replaces a resource's spec (and position). The revision is incremented; an update that leaves
         * spec and position as they are is no change at all (same revision, no audit row).
         *
         * @param position null = keep
         * @param expectedRevision empty = unconditional
         * @throws ResourceNotFoundException if there is no such resource
         * @throws RevisionMismatchException if its revision is not the expected one
         */
        StoredResource update(
                ResourceKind kind,
                String name,
                ObjectNode spec,
                @Nullable Integer position,
                OptionalLong expectedRevision);

        /**
         * @throws ResourceNotFoundException if there is no such resource
         * @throws RevisionMismatchException if its revision is not the expected one
         */
        void delete(ResourceKind kind, String name, OptionalLong expectedRevision);

        /** The version this write will commit as. */
        long version();
    }

    /** {@link Changes} on the write's connection, recording an audit row per change. */
    private static final class WriteChanges implements Changes {
        private final Connection c;
        private final long version;
        private final Instant now;
        private final Actor actor;
        private int count;
        private boolean ended;

        WriteChanges(Connection c, long version, Instant now, Actor actor) {
            this.c = c;
            this.version = version;
            this.now = now;
            this.actor = actor;
        }

        @Override
        public Optional<StoredResource> find(ResourceKind kind, String name) {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
            checkOpen();
            return sql(() -> {
                List<StoredResource> found = select(c, kind, name);
                return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
            });
        }

        @Override
        public List<StoredResource> list(ResourceKind kind) {
            requireNonNull(kind, "kind");
            checkOpen();
            return sql(() -> select(c, kind, null));
        }

        @Override
        public StoredResource create(ResourceKind kind, String name, ObjectNode spec, @Nullable Integer position) {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
            requireNonNull(spec, "spec");
            checkOpen();
            checkName(kind, name);
            String json = write(spec);
            ObjectNode normalized = parseObject(json);
            return sql(() -> {
                if (!select(c, kind, name).isEmpty()) {
                    throw new ResourceConflictException(kind, name);
                }
                int at = position != null ? position : nextPosition(kind);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + kind.table()
                        + " (name, position, spec, revision, created_at, updated_at, updated_in_version)"
                        + " VALUES (?, ?, ?, 1, ?, ?, ?)")) {
                    insert.setString(1, name);
                    insert.setInt(2, at);
                    insert.setString(3, json);
                    insert.setObject(4, timestamp(now));
                    insert.setObject(5, timestamp(now));
                    insert.setLong(6, version);
                    insert.executeUpdate();
                }
                audit("create", kind, name, null, normalized);
                return new StoredResource(kind, name, at, normalized, 1, now);
            });
        }

        @Override
        public StoredResource update(
                ResourceKind kind,
                String name,
                ObjectNode spec,
                @Nullable Integer position,
                OptionalLong expectedRevision) {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
            requireNonNull(spec, "spec");
            requireNonNull(expectedRevision, "expectedRevision");
            checkOpen();
            String json = write(spec);
            ObjectNode normalized = parseObject(json);
            return sql(() -> {
                StoredResource current = current(kind, name, expectedRevision);
                int at = position != null ? position : current.position();
                if (at == current.position() && normalized.equals(current.specUnsafe())) {
                    return current;
                }
                long revision = current.revision() + 1;
                try (PreparedStatement update = c.prepareStatement("UPDATE " + kind.table()
                        + " SET position = ?, spec = ?, revision = ?, updated_at = ?, updated_in_version = ?"
                        + " WHERE name = ?")) {
                    update.setInt(1, at);
                    update.setString(2, json);
                    update.setLong(3, revision);
                    update.setObject(4, timestamp(now));
                    update.setLong(5, version);
                    update.setString(6, name);
                    update.executeUpdate();
                }
                audit("update", kind, name, current.specUnsafe(), normalized);
                return new StoredResource(kind, name, at, normalized, revision, now);
            });
        }

        @Override
        public void delete(ResourceKind kind, String name, OptionalLong expectedRevision) {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
            requireNonNull(expectedRevision, "expectedRevision");
            checkOpen();
            sql(() -> {
                StoredResource current = current(kind, name, expectedRevision);
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + kind.table() + " WHERE name = ?")) {
                    delete.setString(1, name);
                    delete.executeUpdate();
                }
                audit("delete", kind, name, current.specUnsafe(), null);
                return null;
            });
        }

        @Override
        public long version() {
            return version;
        }

        int count() {
            return count;
        }

        void end() {
            ended = true;
        }

        private void checkOpen() {
            if (ended) {
                throw new IllegalStateException(
                        "Changes of version " + version + " used after its write ended (expected: only inside apply)");
            }
        }

        private StoredResource current(ResourceKind kind, String name, OptionalLong expectedRevision)
                throws SQLException {
            List<StoredResource> found = select(c, kind, name);
            if (found.isEmpty()) {
                throw new ResourceNotFoundException(kind, name);
            }
            StoredResource current = found.get(0);
            if (expectedRevision.isPresent() && expectedRevision.getAsLong() != current.revision()) {
                throw new RevisionMismatchException(kind, name, expectedRevision.getAsLong(), current.revision());
            }
            return current;
        }

        private int nextPosition(ResourceKind kind) throws SQLException {
            try (PreparedStatement max = c.prepareStatement("SELECT MAX(position) FROM " + kind.table());
                    ResultSet row = max.executeQuery()) {
                row.next();
                int last = row.getInt(1);
                return row.wasNull() ? 0 : Math.addExact(last, 1);
            }
        }

        private void audit(
                String action, ResourceKind kind, String name, @Nullable ObjectNode before, @Nullable ObjectNode after)
                throws SQLException {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_log"
                    + " (at, actor_subject, actor_via, version, action, kind, name, before_spec, after_spec)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setObject(1, timestamp(now));
                insert.setString(2, actor.subject());
                insert.setString(3, actor.via());
                insert.setLong(4, version);
                insert.setString(5, action);
                insert.setString(6, kind.table());
                insert.setString(7, name);
                setNullableText(insert, 8, before == null ? null : write(mask(before)));
                setNullableText(insert, 9, after == null ? null : write(mask(after)));
                insert.executeUpdate();
            }
            count++;
        }

        private static void setNullableText(PreparedStatement statement, int index, @Nullable String text)
                throws SQLException {
            if (text == null) {
                statement.setNull(index, Types.VARCHAR);
            } else {
                statement.setString(index, text);
            }
        }

        private static void checkName(ResourceKind kind, String name) {
            if (name.isBlank() || name.length() > MAX_NAME) {
                throw new IllegalArgumentException(kind.table() + " name: " + name.length()
                        + " characters (expected: 1.." + MAX_NAME + ", not blank)");
            }
        }

        /** Runs JDBC work, turning its SQLException into the store's exceptions. */
        private static <T extends @Nullable Object> T sql(SqlWork<T> work) {
            try {
                return work.run();
            } catch (SQLException e) {
                throw Failures.translate("writing the configuration", e);
            }
        }
    }

    /** A copy of {@code spec} with every string value that is a sealed secret replaced by {@link #MASK}. */
    static JsonNode mask(JsonNode node) {
        if (node.isTextual() && node.textValue().startsWith(SEALED_PREFIX)) {
            return TextNode.valueOf(MASK);
        }
        if (node.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey(), mask(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            for (JsonNode element : node) {
                copy.add(mask(element));
            }
            return copy;
        }
        return node.deepCopy();
    }

    private static long headVersion(Connection c, boolean forUpdate) throws SQLException {
        String sql = "SELECT version FROM config_head WHERE id = 1" + (forUpdate ? " FOR UPDATE" : "");
        try (PreparedStatement select = c.prepareStatement(sql);
                ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new StoreException(
                        "config_head has no row (expected: the one the migrations insert); run the migrations");
            }
            return row.getLong(1);
        }
    }

    private static Instant committedAt(Connection c, long version) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT committed_at FROM config_versions WHERE version = ?")) {
            select.setLong(1, version);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new StoreException("config_versions has no row for the head version " + version
                            + " (expected: one per committed version)");
                }
                return instant(row, "committed_at");
            }
        }
    }

    private static void insertVersion(Connection c, long version, Instant now, Actor actor, String summary)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO config_versions"
                + " (version, committed_at, actor_subject, actor_via, summary) VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, version);
            insert.setObject(2, timestamp(now));
            insert.setString(3, actor.subject());
            insert.setString(4, actor.via());
            insert.setString(5, summary);
            insert.executeUpdate();
        }
    }

    /** The resources of one kind (or the one named), ordered by position, then name. */
    private static List<StoredResource> select(Connection c, ResourceKind kind, @Nullable String name)
            throws SQLException {
        String sql = "SELECT name, position, spec, revision, updated_at FROM " + kind.table()
                + (name == null ? "" : " WHERE name = ?") + " ORDER BY position, name";
        try (PreparedStatement select = c.prepareStatement(sql)) {
            if (name != null) {
                select.setString(1, name);
            }
            List<StoredResource> resources = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String rowName = rows.getString("name");
                    ObjectNode spec;
                    try {
                        spec = parseObject(rows.getString("spec"));
                    } catch (IllegalArgumentException e) {
                        throw new StoreException(kind.table() + " '" + rowName + "': " + e.getMessage(), e);
                    }
                    resources.add(new StoredResource(
                            kind,
                            rowName,
                            rows.getInt("position"),
                            spec,
                            rows.getLong("revision"),
                            instant(rows, "updated_at")));
                }
            }
            return resources;
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        if (value == null) {
            throw new StoreException(column + " is null (expected: a timestamp)");
        }
        return value.toInstant();
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("spec cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode parseObject(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("spec is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("spec is a JSON " + node.getNodeType() + " (expected: a JSON object)");
        }
        return object;
    }

    private static @Nullable JsonNode parseNullable(@Nullable String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoreException("audit_log holds invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_PAGE + ")");
        }
    }

    /**
     * Runs {@code body} on a pooled connection. A connection the pool hands out may have broken while
     * idle (the database restarted or failed over) without the pool knowing yet; when {@code body}
     * fails with {@link StaleConnection}, the pool drops its idle connections (likely broken the same
     * way) and {@code body} runs once more on a new one.
     */
    private <T extends @Nullable Object> T withConnection(String what, SqlFunction<T> body) {
        for (int attempt = 1; ; attempt++) {
            Connection c = database.connect(what);
            try {
                return body.apply(c);
            } catch (StaleConnection e) {
                if (attempt > 1) {
                    throw Failures.translate(what, e.failure());
                }
                database.evictIdleConnections();
            } catch (SQLException e) {
                throw Failures.translate(what, e);
            } finally {
                try {
                    c.close();
                } catch (SQLException e) {
                    // The pool discards a connection it cannot reset; nothing more to do.
                }
            }
        }
    }

    /**
     * Runs a statement that is safe to repeat on another connection (a read, or a write's first
     * statement, before anything was written), marking a connection failure as {@link StaleConnection}.
     */
    private static <T extends @Nullable Object> T retryable(SqlWork<T> work) throws SQLException {
        try {
            return work.run();
        } catch (SQLException e) {
            if (Failures.isUnavailable(e)) {
                throw new StaleConnection(e);
            }
            throw e;
        }
    }

    /** The connection broke before anything was written: the work may run again on another connection. */
    private static final class StaleConnection extends SQLException {
        private static final long serialVersionUID = 1L;

        StaleConnection(SQLException failure) {
            super(failure.getMessage(), failure.getSQLState(), failure.getErrorCode(), failure);
        }

        SQLException failure() {
            return (SQLException) requireNonNull(getCause());
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            // The connection is broken or closed: the database rolls the transaction back itself.
        }
    }

    @FunctionalInterface
    private interface SqlFunction<T extends @Nullable Object> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlWork<T extends @Nullable Object> {
        T run() throws SQLException;
    }
}
