package io.gatehouse.node;

import static io.gatehouse.node.ConfigConvergenceTest.chat;
import static io.gatehouse.node.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.store.DatabaseSettings;
import io.gatehouse.admin.store.testing.H2Server;
import io.gatehouse.admin.store.testing.TcpProxy;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Takes the database away from two running nodes by cutting the TCP proxy between them and it:
 * traffic keeps flowing on the last configuration, readiness says degraded, admin writes fail with
 * 503, a restarted node starts from its last known good snapshot, and once the database is back
 * writes succeed and every node catches up.
 */
class DatabaseOutageTest {
    private static final String ADMIN_TOKEN = "outage-admin-token-0123456789abcdef";
    private static final String KEY = "outage-key-0123456789abcdefghijkl";

    private H2Server h2;
    private DatabaseSettings database;
    private TcpProxy proxy;
    private Node nodeA;
    private Node nodeB;

    @AfterEach
    void stop() {
        for (Node node : new Node[] {nodeA, nodeB}) {
            if (node != null) {
                node.stop(Duration.ZERO);
            }
        }
        if (proxy != null) {
            proxy.close();
        }
        if (h2 != null) {
            h2.close();
        } else if (database != null) {
            TestDatabases.dropSchema(database);
        }
    }

    @Test
    void nodesServeTheLastConfigurationWhileTheDatabaseIsAwayAndCatchUpAfter() throws Exception {
        database = TestDatabases.postgres().orElseGet(() -> {
            h2 = TestDatabases.h2Server();
            return h2.settings();
        });
        proxy = TcpProxy.start("127.0.0.1", port(database.url()));
        DatabaseSettings throughProxy = TestDatabases.through(database, proxy);
        TestCluster cluster = TestCluster.of(2);
        String masterKey = TestDatabaseConfig.masterKey();
        Path dataA = Files.createTempDirectory("gatehouse-a-");
        Path dataB = Files.createTempDirectory("gatehouse-b-");
        nodeA = start("a", dataA, cluster.yaml(0), throughProxy, masterKey);
        nodeB = start("b", dataB, cluster.yaml(1), throughProxy, masterKey);
        AdminClient adminA = new AdminClient(nodeA.adminPort(), ADMIN_TOKEN);
        assertThat(adminA.post(
                                "/admin/v1/models?wait=converged",
                                "{\"name\":\"before-outage\",\"deployments\":[{\"provider\":\"mock\"}]}")
                        .headers()
                        .firstValue("x-gatehouse-converged"))
                .hasValue("true");

        proxy.cut();

        // Traffic flows on the configuration the nodes run.
        assertThat(chat(nodeA, KEY, "before-outage")).isEqualTo(200);
        assertThat(chat(nodeB, KEY, "before-outage")).isEqualTo(200);
        // Writes fail clearly, and store nothing.
        HttpResponse<String> refused = adminA.post(
                "/admin/v1/models", "{\"name\":\"during-outage\",\"deployments\":[{\"provider\":\"mock\"}]}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(json(refused).at("/error/code").asText()).isEqualTo("database_unavailable");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        // Readiness keeps the node in the load balancer, but says why it is degraded.
        await(() -> readiness(nodeA).contains("degraded"));
        assertThat(readiness(nodeA)).contains("database unreachable");
        // Reads answer the running configuration, marked stale.
        HttpResponse<String> stale = adminA.get("/admin/v1/models/before-outage");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.headers().firstValue("x-gatehouse-stale")).hasValue("true");

        // A node restarted while the database is away starts from its last known good snapshot.
        nodeB.stop(Duration.ZERO);
        nodeB = start("b", dataB, cluster.yaml(1), throughProxy, masterKey);
        assertThat(chat(nodeB, KEY, "before-outage")).isEqualTo(200);
        assertThat(readiness(nodeB)).contains("degraded");

        proxy.restore();

        // Writes succeed again, and every node catches up, the restarted one included.
        await(() ->
                adminA.post("/admin/v1/models", "{\"name\":\"after-outage\",\"deployments\":[{\"provider\":\"mock\"}]}")
                                .statusCode()
                        == 201);
        await(() -> chat(nodeA, KEY, "after-outage") == 200 && chat(nodeB, KEY, "after-outage") == 200);
        await(() -> !readiness(nodeA).contains("degraded") && !readiness(nodeB).contains("degraded"));
        assertThat(chat(nodeB, KEY, "during-outage")).isEqualTo(404);
    }

    @Test
    void aNodeThatNeverRanDoesNotStartWithoutItsDatabase() throws Exception {
        proxy = TcpProxy.start("127.0.0.1", 9); // nothing listens on the discard port
        proxy.cut();
        DatabaseSettings unreachable = new DatabaseSettings(
                "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/gatehouse",
                "gatehouse",
                null,
                null,
                2,
                Duration.ofSeconds(1));
        Path empty = Files.createTempDirectory("gatehouse-new-");

        assertThatThrownBy(() ->
                        start("new", empty, TestCluster.of(1).yaml(0), unreachable, TestDatabaseConfig.masterKey()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot be reached")
                .hasMessageContaining("no last known good snapshot");
    }

    private Node start(String name, Path dataDir, String cluster, DatabaseSettings settings, String masterKey) {
        return TestNodes.start(
                TestDatabaseConfig.nodeYaml("node-" + name, dataDir, ADMIN_TOKEN, cluster, settings, KEY),
                Map.of("GATEHOUSE_MASTER_KEY", masterKey));
    }

    private static String readiness(Node node) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + "/readyz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int port(String jdbcUrl) {
        java.util.regex.Matcher matcher =
                java.util.regex.Pattern.compile("//[^:/]+:(\\d+)").matcher(jdbcUrl);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 5432;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
