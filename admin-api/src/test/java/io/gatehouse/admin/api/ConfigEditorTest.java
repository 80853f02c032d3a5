package io.gatehouse.admin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.config.ConfigLoader;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.resources.Documents;
import io.gatehouse.admin.resources.InvalidResourceException;
import io.gatehouse.admin.resources.ResourceType;
import io.gatehouse.admin.resources.Secrets;
import io.gatehouse.admin.store.Actor;
import io.gatehouse.admin.store.ConfigRepository;
import io.gatehouse.admin.store.Database;
import io.gatehouse.admin.store.SecretBox;
import io.gatehouse.admin.store.testing.TestDatabases;
import io.gatehouse.cluster.config.AppliedVersion;
import io.gatehouse.cluster.config.ConfigBus;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the editor stores for each change, against a real database: validation of the whole result,
 * sealed secrets, announcements of committed versions only, and the policies rule.
 */
class ConfigEditorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Actor OPS = new Actor("ops", "admin-token");

    private final List<Long> announced = new ArrayList<>();
    private Database database;
    private ConfigRepository repository;
    private ConfigEditor editor;

    @BeforeEach
    void open() {
        database = Database.create(TestDatabases.h2Memory());
        database.migrate();
        repository = new ConfigRepository(database);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ConfigLoader loader = new ConfigLoader(name -> null);
        GatewayConfig local = loader.parse("node: { name: t }\n".getBytes(StandardCharsets.UTF_8), "test");
        editor = new ConfigEditor(
                repository,
                new Secrets(SecretBox.of(key, List.of())),
                document -> loader.withShared(local, document),
                new RecordingBus(),
                () -> null);
        editor.create(OPS, ResourceType.PROVIDERS, object("{\"name\":\"mock\",\"type\":\"mock\"}"));
        editor.create(
                OPS, ResourceType.MODELS, object("{\"name\":\"demo\",\"deployments\":[{\"provider\":\"mock\"}]}"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void everyCommittedChangeIsAnnouncedAndAnInvalidOneIsNot() {
        assertThat(announced).containsExactly(1L, 2L);
        assertThatThrownBy(() -> editor.create(
                        OPS, ResourceType.MODELS, object("{\"name\":\"x\",\"deployments\":[{\"provider\":\"none\"}]}")))
                .isInstanceOf(InvalidResourceException.class)
                .hasMessageContaining("deployments[0].provider");
        assertThat(announced).containsExactly(1L, 2L);
        assertThat(repository.version()).isEqualTo(2);
    }

    @Test
    void secretsAreStoredSealedAndOpenedOnlyForTheRunningConfiguration() {
        editor.create(
                OPS,
                ResourceType.PROVIDERS,
                object("{\"name\":\"openai\",\"type\":\"openai\",\"api_key\":\"sk-clear-text-secret\"}"));
        String stored = repository.load().of(ResourceType.PROVIDERS.kind()).stream()
                .filter(r -> r.name().equals("openai"))
                .findFirst()
                .orElseThrow()
                .spec()
                .get("api_key")
                .asText();
        assertThat(stored).startsWith("enc:v1:").doesNotContain("sk-clear-text-secret");
        assertThat(repository.audit(null, "openai", Long.MAX_VALUE, 10).toString())
                .doesNotContain("sk-clear-text-secret")
                .doesNotContain(stored);

        assertThatThrownBy(() -> editor.create(
                        OPS,
                        ResourceType.PROVIDERS,
                        object("{\"name\":\"env\",\"type\":\"openai\",\"api_key\":\"${OPENAI_API_KEY}\"}")))
                .isInstanceOf(InvalidResourceException.class)
                .hasMessageContaining("environment reference");
    }

    @Test
    void deletingTheLastPolicyRefusesEverythingInsteadOfAllowingEverything() {
        assertThat(document().has("policies")).isFalse(); // no policy ever: every request allowed

        editor.create(
                OPS, ResourceType.POLICIES, object("{\"name\":\"all\",\"when\":\"true\",\"allow_models\":[\"demo\"]}"));
        editor.delete(OPS, ResourceType.POLICIES, "all", OptionalLong.empty());

        assertThat(document().get("policies")).isEmpty(); // policies: [] refuses every request
    }

    @Test
    void anImportReplacesEverythingOrNothingAndADryRunStoresNothing() {
        ObjectNode document = object("{\"providers\":[{\"name\":\"mock\",\"type\":\"mock\"}],"
                + "\"models\":[{\"name\":\"other\",\"deployments\":[{\"provider\":\"mock\"}]}]}");
        ConfigEditor.Result<ConfigEditor.ImportPlan> dry =
                editor.importDocument(OPS, document, OptionalLong.empty(), true);
        assertThat(dry.changed()).isFalse();
        assertThat(dry.value().created()).containsEntry("models", List.of("other"));
        assertThat(dry.value().deleted()).containsEntry("models", List.of("demo"));
        assertThat(repository.version()).isEqualTo(2);

        ConfigEditor.Result<ConfigEditor.ImportPlan> applied =
                editor.importDocument(OPS, document, OptionalLong.of(2), false);
        assertThat(applied.version()).isEqualTo(3);
        assertThat(document().get("models").get(0).get("name").asText()).isEqualTo("other");

        // Re-importing the same document changes nothing and makes no version.
        assertThat(editor.importDocument(OPS, document, OptionalLong.empty(), false)
                        .changed())
                .isFalse();
        assertThatThrownBy(() -> editor.importDocument(OPS, document, OptionalLong.of(2), false))
                .isInstanceOf(ConfigEditor.StaleVersionException.class);
    }

    private ObjectNode document() {
        return Documents.assemble(repository.load().resources(), Secrets::mask);
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Records announcements; the cluster itself is tested in cluster-state. */
    private final class RecordingBus implements ConfigBus {
        @Override
        public void announce(long version) {
            announced.add(version);
        }

        @Override
        public AutoCloseable onAnnounce(LongConsumer listener) {
            return () -> {};
        }

        @Override
        public void reportApplied(long version) {}

        @Override
        public Map<String, AppliedVersion> applied() {
            return Map.of();
        }

        @Override
        public long latest() {
            return announced.isEmpty() ? 0 : announced.get(announced.size() - 1);
        }

        @Override
        public CompletableFuture<Boolean> awaitConverged(long version, Duration timeout) {
            return CompletableFuture.completedFuture(true);
        }
    }
}
