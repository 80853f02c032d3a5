package io.gatehouse.node;

import static io.gatehouse.node.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.admin.store.DatabaseSettings;
import io.gatehouse.admin.store.testing.H2Server;
import io.gatehouse.admin.store.testing.TestDatabases;
import io.gatehouse.node.testing.AdminClient;
import io.gatehouse.node.testing.TestCluster;
import io.gatehouse.node.testing.TestDatabaseConfig;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes sharing one database (PostgreSQL when the test environment has one) and one cluster:
 * a change made through node A serves on B and C, a deleted model and a revoked key stop everywhere,
 * and the time from a write's commit until all three run it is measured and printed.
 */
class ConfigConvergenceTest {
    private static final String ADMIN_TOKEN = "convergence-admin-token-0123456789";
    private static final String SEED_KEY = "seed-key-for-convergence-0123456789";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static H2Server h2;
    private static DatabaseSettings database;
    private static final List<Node> nodes = new ArrayList<>();
    private static AdminClient nodeA;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabases.postgres().orElseGet(() -> {
            h2 = TestDatabases.h2Server();
            return h2.settings();
        });
        TestCluster cluster = TestCluster.of(3);
        String masterKey = TestDatabaseConfig.masterKey();
        for (int i = 0; i < 3; i++) {
            nodes.add(TestNodes.start(
                    TestDatabaseConfig.nodeYaml(
                            "node-" + "abc".charAt(i),
                            Files.createTempDirectory("gatehouse-node-"),
                            ADMIN_TOKEN,
                            cluster.yaml(i),
                            database,
                            SEED_KEY),
                    Map.of("GATEHOUSE_MASTER_KEY", masterKey)));
        }
        nodeA = new AdminClient(nodes.get(0).adminPort(), ADMIN_TOKEN);
        awaitAll(node -> json(new AdminClient(node.adminPort(), ADMIN_TOKEN).get("/admin/v1/cluster"))
                        .get("size")
                        .asInt()
                == 3);
    }

    @AfterAll
    static void stop() {
        nodes.forEach(node -> node.stop(Duration.ZERO));
        if (h2 != null) {
            h2.close();
        } else {
            TestDatabases.dropSchema(database);
        }
    }

    @Test
    void aModelCreatedThroughOneNodeServesOnAllAndStopsEverywhereWhenDeleted() {
        assertThat(nodeA.post("/admin/v1/models", "{\"name\":\"shared\",\"deployments\":[{\"provider\":\"mock\"}]}")
                        .statusCode())
                .isEqualTo(201);
        awaitAll(node -> chat(node, SEED_KEY, "shared") == 200);

        assertThat(nodeA.delete("/admin/v1/models/shared").statusCode()).isEqualTo(204);
        awaitAll(node -> chat(node, SEED_KEY, "shared") == 404);
        assertThat(nodes)
                .allSatisfy(node -> assertThat(chat(node, SEED_KEY, "demo")).isEqualTo(200));
    }

    @Test
    void aRevokedApiKeyStopsWorkingEverywhere() {
        HttpResponse<String> created = nodeA.post("/admin/v1/api-keys?wait=converged", "{\"name\":\"temp\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("x-gatehouse-converged")).hasValue("true");
        String key = json(created).get("key").asText();
        assertThat(nodes).allSatisfy(node -> assertThat(chat(node, key, "demo")).isEqualTo(200));

        String etag = nodeA.get("/admin/v1/api-keys/temp")
                .headers()
                .firstValue("ETag")
                .orElseThrow();
        String revoked =
                json(nodeA.get("/admin/v1/api-keys/temp")).deepCopy().toString().replace("}", ",\"revoked\":true}");
        assertThat(nodeA.put("/admin/v1/api-keys/temp?wait=converged", revoked, etag)
                        .statusCode())
                .isEqualTo(200);
        assertThat(nodes).allSatisfy(node -> assertThat(chat(node, key, "demo")).isEqualTo(401));
    }

    @Test
    void everyNodeRunsAWriteWithinASecondOfItsCommit() {
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            HttpResponse<String> created = nodeA.post(
                    "/admin/v1/models", "{\"name\":\"timed-" + round + "\",\"deployments\":[{\"provider\":\"mock\"}]}");
            long committed = System.nanoTime(); // the answer comes after the commit
            long version = Long.parseLong(
                    created.headers().firstValue("x-gatehouse-config-version").orElseThrow());
            awaitAll(node -> node.configVersion() >= version);
            millis.add((System.nanoTime() - committed) / 1_000_000);
        }
        millis.sort(null);
        System.out.println("config convergence, 3 nodes, commit -> all running (ms, sorted): " + millis);
        assertThat(millis.get(millis.size() / 2)).isLessThan(1000);

        // Each node reports the version it runs; the cluster view shows them all once the reports spread.
        awaitAll(node -> json(nodeA.get("/admin/v1/cluster")).get("converged").asBoolean());
        JsonView view = JsonView.of(json(nodeA.get("/admin/v1/cluster")));
        assertThat(view.configVersions()).hasSize(3).allMatch(v -> v == view.latest());
    }

    private record JsonView(List<Long> configVersions, long latest) {
        static JsonView of(com.fasterxml.jackson.databind.JsonNode cluster) {
            List<Long> versions = new ArrayList<>();
            cluster.get("members")
                    .forEach(m -> versions.add(m.get("config_version").asLong()));
            return new JsonView(versions, cluster.get("config_version").asLong());
        }
    }

    private static void awaitAll(Predicate<Node> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (Node node : nodes) {
            while (!condition.test(node)) {
                assertThat(System.nanoTime()).as("waiting for every node").isLessThan(deadline);
                Thread.onSpinWait();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The status of a chat completion for {@code model} on {@code node} with {@code key}. */
    static int chat(Node node, String key, String model) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
