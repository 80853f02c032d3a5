package io.gatehouse.admin.store;

import static io.gatehouse.admin.store.ResourceKind.MODELS;
import static io.gatehouse.admin.store.ResourceKind.POLICIES;
import static io.gatehouse.admin.store.ResourceKind.PROVIDERS;
import static io.gatehouse.admin.store.ResourceKind.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.store.ConfigRepository.Changes;
import io.gatehouse.admin.store.ConfigRepository.Commit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The repository's contract, run against each database Gatehouse supports (see the subclasses). */
@Timeout(120)
abstract class ConfigRepositoryTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Actor ALICE = new Actor("alice", "jwt");
    private static final Actor SEED = new Actor("seed", "config-file");

    private DatabaseSettings settings;
    private Database database;
    ConfigRepository repository;

    /** Fresh, empty settings for one test; skips the test (with an assumption) if unavailable. */
    abstract DatabaseSettings newDatabase();

    /** Drops what {@link #newDatabase()} made. */
    abstract void dropDatabase(DatabaseSettings settings);

    @BeforeEach
    void migrate() {
        settings = newDatabase();
        database = Database.create(settings);
        database.migrate();
        repository = new ConfigRepository(database);
    }

    @AfterEach
    void drop() {
        if (database != null) {
            database.close();
        }
        if (settings != null) {
            dropDatabase(settings);
        }
    }

    @Test
    void startsEmptyAtVersionZero() {
        StoredConfig config = repository.load();

        assertThat(repository.version()).isZero();
        assertThat(config.version()).isZero();
        assertThat(config.committedAt()).isNull();
        assertThat(config.resources()).isEmpty();
        assertThat(repository.versions(10)).isEmpty();
        assertThat(repository.audit(null, null, Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void createsFindsListsUpdatesAndDeletes() {
        Instant before = Instant.now().minusSeconds(1);

        Commit<StoredResource> created = repository.write(
                ALICE,
                "create provider openai",
                c -> c.create(PROVIDERS, "openai", spec("{\"type\":\"openai\"}"), null));

        assertThat(created.changed()).isTrue();
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.committedAt()).isAfter(before);
        StoredResource openai = created.value();
        assertThat(openai.kind()).isEqualTo(PROVIDERS);
        assertThat(openai.name()).isEqualTo("openai");
        assertThat(openai.revision()).isEqualTo(1);
        assertThat(openai.position()).isZero();
        assertThat(openai.spec()).isEqualTo(spec("{\"type\":\"openai\"}"));
        assertThat(openai.updatedAt()).isEqualTo(created.committedAt());

        Commit<StoredResource> updated = repository.write(ALICE, "update provider openai", c -> {
            assertThat(c.find(PROVIDERS, "openai")).contains(openai);
            assertThat(c.find(PROVIDERS, "absent")).isEmpty();
            assertThat(c.find(MODELS, "openai")).isEmpty();
            assertThat(c.list(PROVIDERS)).containsExactly(openai);
            return c.update(
                    PROVIDERS, "openai", spec("{\"type\":\"openai\",\"timeout\":\"30s\"}"), null, OptionalLong.of(1));
        });

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.value().revision()).isEqualTo(2);
        assertThat(updated.value().spec().get("timeout").asText()).isEqualTo("30s");
        assertThat(repository.load().of(PROVIDERS)).containsExactly(updated.value());

        Commit<Void> deleted = repository.write(ALICE, "delete provider openai", c -> {
            c.delete(PROVIDERS, "openai", OptionalLong.of(2));
            assertThat(c.find(PROVIDERS, "openai")).isEmpty();
            return null;
        });

        assertThat(deleted.version()).isEqualTo(3);
        StoredConfig config = repository.load();
        assertThat(config.version()).isEqualTo(3);
        assertThat(config.committedAt()).isEqualTo(deleted.committedAt());
        assertThat(config.resources()).isEmpty();
    }

    @Test
    void eachWriteThatChangesSomethingCommitsTheNextVersionAndNoOpsCommitNothing() {
        for (int i = 1; i <= 3; i++) {
            String name = "p" + i;
            Commit<StoredResource> commit =
                    repository.write(ALICE, "create " + name, c -> c.create(PROVIDERS, name, spec("{}"), null));
            assertThat(commit.version()).isEqualTo(i);
            assertThat(commit.changed()).isTrue();
            assertThat(repository.version()).isEqualTo(i);
        }
        Instant headCommittedAt = repository.load().committedAt();

        Commit<Integer> readOnly =
                repository.write(ALICE, "nothing", c -> c.list(PROVIDERS).size());
        Commit<StoredResource> sameAgain = repository.write(
                ALICE, "same spec", c -> c.update(PROVIDERS, "p1", spec("{}"), 0, OptionalLong.empty()));

        assertThat(readOnly.changed()).isFalse();
        assertThat(readOnly.version()).isEqualTo(3);
        assertThat(readOnly.value()).isEqualTo(3);
        assertThat(readOnly.committedAt()).isEqualTo(headCommittedAt);
        assertThat(sameAgain.changed()).isFalse();
        assertThat(sameAgain.version()).isEqualTo(3);
        assertThat(sameAgain.value().revision()).isEqualTo(1);
        assertThat(repository.version()).isEqualTo(3);
        assertThat(repository.versions(10)).extracting(VersionEntry::version).containsExactly(3L, 2L, 1L);
        assertThat(repository.audit(null, null, Long.MAX_VALUE, 10)).hasSize(3);
    }

    @Test
    void aNoOpWriteBeforeAnyCommitReportsVersionZero() {
        Commit<String> commit = repository.write(ALICE, "nothing", c -> "done");

        assertThat(commit.changed()).isFalse();
        assertThat(commit.version()).isZero();
        assertThat(commit.value()).isEqualTo("done");
        assertThat(commit.committedAt()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void anUpdateIsNoChangeOnlyWhenSpecAndPositionAreTheSame() {
        repository.write(SEED, "seed", c -> c.create(PROVIDERS, "a", spec("{\"x\":1,\"y\":[1,2]}"), 5));

        // Same document, fields in another order, numbers built another way: still no change.
        ObjectNode reordered = JSON.createObjectNode();
        reordered.putArray("y").add(1L).add(2L);
        reordered.put("x", 1L);
        Commit<StoredResource> same =
                repository.write(ALICE, "same", c -> c.update(PROVIDERS, "a", reordered, null, OptionalLong.of(1)));
        Commit<StoredResource> moved =
                repository.write(ALICE, "move", c -> c.update(PROVIDERS, "a", reordered, 6, OptionalLong.of(1)));

        assertThat(same.changed()).isFalse();
        assertThat(same.value().revision()).isEqualTo(1);
        assertThat(moved.changed()).isTrue();
        assertThat(moved.value().revision()).isEqualTo(2);
        assertThat(moved.value().position()).isEqualTo(6);
        assertThat(repository.audit(PROVIDERS, "a", Long.MAX_VALUE, 10))
                .extracting(AuditEntry::action)
                .containsExactly("update", "create");
    }

    @Test
    void severalChangesInOneWriteShareItsVersion() {
        Commit<Long> commit = repository.write(ALICE, "import", c -> {
            c.create(PROVIDERS, "openai", spec("{}"), null);
            c.create(MODELS, "gpt", spec("{\"deployments\":[{\"provider\":\"openai\"}]}"), null);
            c.create(POLICIES, "default", spec("{}"), null);
            return c.version();
        });

        assertThat(commit.version()).isEqualTo(1);
        assertThat(commit.value()).isEqualTo(1);
        assertThat(repository.audit(null, null, Long.MAX_VALUE, 10))
                .extracting(AuditEntry::version)
                .containsExactly(1L, 1L, 1L);
        assertThat(repository.versions(10)).singleElement().satisfies(v -> {
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.actor()).isEqualTo(ALICE);
            assertThat(v.summary()).isEqualTo("import");
            assertThat(v.committedAt()).isEqualTo(commit.committedAt());
        });
    }

    @Test
    void aStaleRevisionIsRefusedAndNothingIsCommitted() {
        repository.write(SEED, "seed", c -> c.create(PROVIDERS, "openai", spec("{}"), null));
        repository.write(
                ALICE, "update", c -> c.update(PROVIDERS, "openai", spec("{\"a\":1}"), null, OptionalLong.of(1)));

        assertThatThrownBy(() -> repository.write(
                        ALICE,
                        "stale",
                        c -> c.update(PROVIDERS, "openai", spec("{\"a\":2}"), null, OptionalLong.of(1))))
                .isInstanceOfSatisfying(RevisionMismatchException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PROVIDERS);
                    assertThat(e.name()).isEqualTo("openai");
                    assertThat(e.currentRevision()).isEqualTo(2);
                    assertThat(e.expectedRevision()).isEqualTo(1);
                    assertThat(e).hasMessageContaining("revision 2 (expected: 1)");
                });
        assertThatThrownBy(() -> repository.write(ALICE, "stale", c -> {
                    c.delete(PROVIDERS, "openai", OptionalLong.of(3));
                    return null;
                }))
                .isInstanceOfSatisfying(
                        RevisionMismatchException.class,
                        e -> assertThat(e.currentRevision()).isEqualTo(2));

        assertThat(repository.version()).isEqualTo(2);
        assertThat(repository.load().of(PROVIDERS))
                .singleElement()
                .satisfies(p -> assertThat(p.revision()).isEqualTo(2));
    }

    @Test
    void creatingATakenNameConflicts() {
        repository.write(SEED, "seed", c -> c.create(PROVIDERS, "openai", spec("{}"), null));

        assertThatThrownBy(() -> repository.write(ALICE, "again", c -> c.create(PROVIDERS, "openai", spec("{}"), null)))
                .isInstanceOfSatisfying(ResourceConflictException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PROVIDERS);
                    assertThat(e.name()).isEqualTo("openai");
                });
        // The same name in another kind is fine.
        assertThat(repository
                        .write(ALICE, "model", c -> c.create(MODELS, "openai", spec("{}"), null))
                        .changed())
                .isTrue();
        assertThat(repository.version()).isEqualTo(2);
    }

    @Test
    void updatingOrDeletingWhatIsNotThereIsNotFound() {
        assertThatThrownBy(() -> repository.write(
                        ALICE, "update", c -> c.update(MODELS, "gpt", spec("{}"), null, OptionalLong.empty())))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MODELS);
                    assertThat(e.name()).isEqualTo("gpt");
                });
        assertThatThrownBy(() -> repository.write(ALICE, "delete", c -> {
                    c.delete(MODELS, "gpt", OptionalLong.empty());
                    return null;
                }))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThat(repository.version()).isZero();
    }

    @Test
    void aFailingActionRollsBackEverythingAndItsExceptionComesOutUnchanged() {
        repository.write(SEED, "seed", c -> c.create(PROVIDERS, "kept", spec("{}"), null));
        IllegalStateException failure = new IllegalStateException("validation failed");

        assertThatThrownBy(() -> repository.write(ALICE, "doomed", c -> {
                    c.create(PROVIDERS, "new", spec("{}"), null);
                    c.update(PROVIDERS, "kept", spec("{\"changed\":true}"), null, OptionalLong.empty());
                    c.delete(PROVIDERS, "kept", OptionalLong.empty());
                    throw failure;
                }))
                .isSameAs(failure);
        AssertionError error = new AssertionError("an Error too");
        assertThatThrownBy(() -> repository.write(ALICE, "doomed", c -> {
                    c.create(PROVIDERS, "new", spec("{}"), null);
                    throw error;
                }))
                .isSameAs(error);

        assertThat(repository.version()).isEqualTo(1);
        assertThat(repository.load().resources())
                .singleElement()
                .satisfies(r -> assertThat(r.name()).isEqualTo("kept"));
        assertThat(repository.versions(10)).hasSize(1);
        assertThat(repository.audit(null, null, Long.MAX_VALUE, 10)).hasSize(1);
        // and the next write takes the next version
        assertThat(repository
                        .write(ALICE, "next", c -> c.create(PROVIDERS, "new", spec("{}"), null))
                        .version())
                .isEqualTo(2);
    }

    @Test
    void anActionMayRecoverFromAResourceError() {
        Commit<String> commit = repository.write(ALICE, "upsert", c -> {
            try {
                c.update(PROVIDERS, "openai", spec("{}"), null, OptionalLong.empty());
                return "updated";
            } catch (ResourceNotFoundException e) {
                c.create(PROVIDERS, "openai", spec("{}"), null);
                return "created";
            }
        });

        assertThat(commit.value()).isEqualTo("created");
        assertThat(commit.version()).isEqualTo(1);
    }

    @Test
    void theAuditLogRecordsWhoChangedWhatWithSealedValuesMasked() {
        String sealedKey = "enc:v1:0123abcd:c2VhbGVkLWFwaS1rZXk";
        String sealedHeader = "enc:v1:0123abcd:c2VhbGVkLWhlYWRlcg";
        ObjectNode withSecrets = spec("{\"type\":\"openai\",\"api_key\":\"" + sealedKey
                + "\",\"headers\":[{\"name\":\"x-key\",\"value\":\"" + sealedHeader
                + "\"}],\"note\":\"encrypted at rest\",\"n\":3}");

        long created = repository
                .write(ALICE, "create", c -> c.create(PROVIDERS, "openai", withSecrets, null))
                .version();
        ObjectNode rotated = withSecrets.deepCopy();
        rotated.put("api_key", "enc:v1:0123abcd:bmV3LWtleQ");
        long updated = repository
                .write(SEED, "update", c -> c.update(PROVIDERS, "openai", rotated, null, OptionalLong.of(1)))
                .version();
        long deleted = repository
                .write(ALICE, "delete", c -> {
                    c.delete(PROVIDERS, "openai", OptionalLong.empty());
                    return null;
                })
                .version();

        // The stored spec keeps the sealed values; only the audit log masks them.
        List<AuditEntry> entries = repository.audit(PROVIDERS, "openai", Long.MAX_VALUE, 10);
        assertThat(entries).extracting(AuditEntry::action).containsExactly("delete", "update", "create");
        assertThat(entries).extracting(AuditEntry::version).containsExactly(deleted, updated, created);
        assertThat(entries).extracting(AuditEntry::actor).containsExactly(ALICE, SEED, ALICE);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(PROVIDERS);
            assertThat(e.name()).isEqualTo("openai");
            assertThat(String.valueOf(e.before()) + e.after()).doesNotContain("enc:");
        });
        AuditEntry create = entries.get(2);
        assertThat(create.before()).isNull();
        JsonNode after = create.after();
        assertThat(after).isNotNull();
        assertThat(after.get("api_key").asText()).isEqualTo("********");
        assertThat(after.at("/headers/0/value").asText()).isEqualTo("********");
        assertThat(after.at("/headers/0/name").asText()).isEqualTo("x-key");
        assertThat(after.get("note").asText()).isEqualTo("encrypted at rest");
        assertThat(after.get("n").asInt()).isEqualTo(3);
        AuditEntry update = entries.get(1);
        assertThat(update.before()).isEqualTo(create.after());
        assertThat(update.after()).isEqualTo(create.after());
        AuditEntry delete = entries.get(0);
        assertThat(delete.before()).isEqualTo(create.after());
        assertThat(delete.after()).isNull();
        assertThat(entries.get(0).at()).isAfterOrEqualTo(entries.get(2).at());
    }

    @Test
    void theAuditLogFiltersAndPages() {
        for (int i = 0; i < 5; i++) {
            int n = i;
            repository.write(ALICE, "write " + i, c -> {
                c.create(PROVIDERS, "p" + n, spec("{}"), null);
                return c.create(MODELS, "m" + n, spec("{}"), null);
            });
        }

        List<AuditEntry> all = repository.audit(null, null, Long.MAX_VALUE, 1000);
        List<AuditEntry> models = repository.audit(MODELS, null, Long.MAX_VALUE, 1000);
        List<AuditEntry> p3 = repository.audit(null, "p3", Long.MAX_VALUE, 1000);
        List<AuditEntry> firstPage = repository.audit(null, null, Long.MAX_VALUE, 4);
        List<AuditEntry> secondPage =
                repository.audit(null, null, firstPage.get(3).id(), 4);

        assertThat(all).hasSize(10);
        assertThat(all).extracting(AuditEntry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(models).hasSize(5).allSatisfy(e -> assertThat(e.kind()).isEqualTo(MODELS));
        assertThat(models).extracting(AuditEntry::name).containsExactly("m4", "m3", "m2", "m1", "m0");
        assertThat(p3).singleElement().satisfies(e -> assertThat(e.version()).isEqualTo(4));
        assertThat(firstPage).isEqualTo(all.subList(0, 4));
        assertThat(secondPage).isEqualTo(all.subList(4, 8));
        assertThat(repository.audit(MODELS, "p3", Long.MAX_VALUE, 10)).isEmpty();
        assertThatThrownBy(() -> repository.audit(null, null, Long.MAX_VALUE, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit: 0 (expected: 1..1000)");
        assertThatThrownBy(() -> repository.versions(1001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(repository.versions(2)).extracting(VersionEntry::summary).containsExactly("write 4", "write 3");
    }

    @Test
    void resourcesAreOrderedByKindThenPositionThenName() {
        repository.write(SEED, "seed", c -> {
            c.create(SETTINGS, "s", spec("{}"), null);
            c.create(PROVIDERS, "c", spec("{}"), null); // 0
            c.create(PROVIDERS, "a", spec("{}"), null); // 1
            c.create(PROVIDERS, "b", spec("{}"), 0); // ties with c, sorts before it by name
            c.create(PROVIDERS, "z", spec("{}"), -1);
            c.create(PROVIDERS, "last", spec("{}"), null); // after the largest position: 2
            return c.create(MODELS, "m", spec("{}"), 7);
        });

        StoredConfig config = repository.load();

        assertThat(config.of(PROVIDERS)).extracting(StoredResource::name).containsExactly("z", "b", "c", "a", "last");
        assertThat(config.of(PROVIDERS)).extracting(StoredResource::position).containsExactly(-1, 0, 0, 1, 2);
        assertThat(config.resources())
                .extracting(StoredResource::name)
                .containsExactly("z", "b", "c", "a", "last", "m", "s");
        assertThat(config.of(POLICIES)).isEmpty();
        repository.write(ALICE, "check", c -> {
            assertThat(c.list(PROVIDERS)).isEqualTo(config.of(PROVIDERS));
            return null;
        });
    }

    @Test
    void specsAreCopiedInAndOut() {
        ObjectNode spec = spec("{\"a\":1}");
        StoredResource created = repository
                .write(ALICE, "create", c -> c.create(PROVIDERS, "p", spec, null))
                .value();

        spec.put("a", 2);
        created.spec().put("a", 3);

        assertThat(created.spec().get("a").asInt()).isEqualTo(1);
        assertThat(repository.load().of(PROVIDERS).get(0).spec().get("a").asInt())
                .isEqualTo(1);
    }

    @Test
    void changesCannotBeUsedAfterTheWrite() {
        AtomicReference<Changes> leaked = new AtomicReference<>();
        repository.write(ALICE, "leak", c -> {
            leaked.set(c);
            return null;
        });

        assertThatThrownBy(() -> leaked.get().list(PROVIDERS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after its write ended");
    }

    @Test
    void namesAreChecked() {
        assertThatThrownBy(() -> repository.write(ALICE, "blank", c -> c.create(PROVIDERS, " ", spec("{}"), null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 1..200");
        String longest = "n".repeat(200);
        assertThat(repository
                        .write(ALICE, "long", c -> c.create(PROVIDERS, longest, spec("{}"), null))
                        .value()
                        .name())
                .isEqualTo(longest);
        assertThatThrownBy(() ->
                        repository.write(ALICE, "too long", c -> c.create(PROVIDERS, longest + "n", spec("{}"), null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("201 characters");
    }

    @Test
    void loadSeesOneVersionWhileWritesCommit() throws Exception {
        int writes = 40;
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = executor.submit(() -> {
                try {
                    for (int i = 0; i < writes; i++) {
                        int n = i;
                        repository.write(ALICE, "pair " + i, c -> {
                            c.create(PROVIDERS, "p" + n, spec("{}"), null);
                            c.create(SETTINGS, "s" + n, spec("{}"), null);
                            return c.create(MODELS, "m" + n, spec("{}"), null);
                        });
                    }
                } finally {
                    done.set(true);
                }
            });
            Future<Integer> reader = executor.submit(() -> {
                int loads = 0;
                while (!done.get() || loads == 0) {
                    StoredConfig config = repository.load();
                    assertThat(config.of(PROVIDERS)).hasSize((int) config.version());
                    assertThat(config.of(MODELS)).hasSize((int) config.version());
                    assertThat(config.of(SETTINGS)).hasSize((int) config.version());
                    loads++;
                }
                return loads;
            });
            writer.get(90, TimeUnit.SECONDS);
            assertThat(reader.get(90, TimeUnit.SECONDS)).isPositive();
        } finally {
            executor.shutdownNow();
        }
        assertThat(repository.load().version()).isEqualTo(writes);
    }

    @Test
    void concurrentWritersGetConsecutiveVersionsAndLoseNoUpdate() throws Exception {
        int threads = 4;
        int writesEach = 25;
        repository.write(SEED, "counter", c -> c.create(SETTINGS, "counter", spec("{\"value\":0}"), null));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                Actor actor = new Actor("writer-" + t, "jwt");
                results.add(executor.submit(() -> {
                    start.await();
                    List<Long> versions = new ArrayList<>();
                    for (int i = 0; i < writesEach; i++) {
                        Commit<StoredResource> commit = repository.write(actor, "increment", c -> {
                            StoredResource counter = c.find(SETTINGS, "counter").orElseThrow();
                            int value = counter.spec().get("value").asInt();
                            return c.update(
                                    SETTINGS,
                                    "counter",
                                    spec("{\"value\":" + (value + 1) + "}"),
                                    null,
                                    OptionalLong.of(counter.revision()));
                        });
                        assertThat(commit.changed()).isTrue();
                        versions.add(commit.version());
                    }
                    return versions;
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(100, TimeUnit.SECONDS));
            }
            long total = 1L + threads * writesEach;
            assertThat(all)
                    .doesNotHaveDuplicates()
                    .hasSize(threads * writesEach)
                    .allMatch(v -> v >= 2 && v <= total);
            assertThat(repository.version()).isEqualTo(total);
            StoredResource counter = repository.load().of(SETTINGS).get(0);
            assertThat(counter.spec().get("value").asInt()).isEqualTo(threads * writesEach);
            assertThat(counter.revision()).isEqualTo(total);
            assertThat(repository.versions(1000)).hasSize((int) total);
            assertThat(repository.audit(SETTINGS, "counter", Long.MAX_VALUE, 1000))
                    .hasSize((int) total);
        } finally {
            executor.shutdownNow();
        }
    }

    static ObjectNode spec(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
