package io.gatehouse.node;

import static io.gatehouse.node.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.gatehouse.admin.store.testing.TestDatabases;
import io.gatehouse.node.testing.AdminClient;
import io.gatehouse.node.testing.TestDatabaseConfig;
import io.gatehouse.node.testing.TestIdentityProvider;
import io.gatehouse.node.testing.TestNodes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The admin API of one node with a database: who may call it, what it refuses and how, what it
 * stores and shows, and that a change serves traffic at once. No secret reaches an answer or a log.
 */
class AdminApiTest {
    private static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    private static final String PROVIDER_SECRET = "sk-provider-secret-value-42";
    private static final String SEED_KEY = "seed-key-0123456789abcdefghij";

    private static TestIdentityProvider idp;
    private static Node node;
    private static AdminClient admin;
    private static final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        idp = new TestIdentityProvider();
        Path dataDir = Files.createTempDirectory("gatehouse-admin-test");
        node = TestNodes.start(
                """
                node:
                  name: admin-test
                  http_port: 0
                  admin_port: 0
                  shutdown_grace: 1s
                  data_dir: "%s"
                  admin_token: %s
                %s
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                auth:
                  jwt:
                    issuers:
                      - issuer: %s
                        jwks_url: %s
                        audiences: [gatehouse]
                  api_keys:
                    - { name: seed, key: %s }
                """.formatted(
                                dataDir,
                                ADMIN_TOKEN,
                                TestDatabaseConfig.yaml(TestDatabases.h2Memory()),
                                idp.issuer(),
                                idp.jwksUrl(),
                                SEED_KEY),
                Map.of("GATEHOUSE_MASTER_KEY", TestDatabaseConfig.masterKey()));
        admin = new AdminClient(node.adminPort(), ADMIN_TOKEN);
    }

    @AfterAll
    static void stop() {
        node.stop(Duration.ZERO);
        idp.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void callsWithoutAValidTokenAreUnauthenticated() {
        HttpResponse<String> none = admin.as(null).get("/admin/v1/providers");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(json(none).at("/error/type").asText()).isEqualTo("authentication_error");

        assertThat(admin.as("wrong-token").get("/admin/v1/providers").statusCode())
                .isEqualTo(401);
        // A gateway API key is a data plane credential, never an admin one.
        assertThat(admin.as(SEED_KEY).get("/admin/v1/providers").statusCode()).isEqualTo(401);
    }

    @Test
    void viewersReadAndCannotWrite() {
        AdminClient viewer = admin.as(idp.sign(
                idp.claims("vera").claim("roles", List.of("gatehouse-viewer")).build()));
        assertThat(viewer.get("/admin/v1/models").statusCode()).isEqualTo(200);

        HttpResponse<String> write =
                viewer.post("/admin/v1/models", "{\"name\":\"x\",\"deployments\":[{\"provider\":\"mock\"}]}");
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(json(write).at("/error/type").asText()).isEqualTo("permission_error");

        AdminClient nobody = admin.as(idp.token("nobody", List.of("eng")));
        assertThat(nobody.get("/admin/v1/models").statusCode()).isEqualTo(403);
    }

    @Test
    void anSsoAdminWritesAndIsAudited() {
        AdminClient alice = admin.as(idp.sign(
                idp.claims("alice").claim("roles", List.of("gatehouse-admin")).build()));
        HttpResponse<String> created =
                alice.post("/admin/v1/models", "{\"name\":\"alice-model\",\"deployments\":[{\"provider\":\"mock\"}]}");
        assertThat(created.statusCode()).isEqualTo(201);

        JsonNode audit = json(admin.get("/admin/v1/audit?kind=models&name=alice-model"));
        assertThat(audit.at("/data/0/actor").asText()).isEqualTo("alice");
        assertThat(audit.at("/data/0/via").asText()).isEqualTo("jwt");
        assertThat(audit.at("/data/0/action").asText()).isEqualTo("create");
    }

    @Test
    void malformedAndMistypedBodiesAreRefused() {
        HttpResponse<String> malformed = admin.post("/admin/v1/providers", "{\"name\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).at("/error/code").asText()).isEqualTo("invalid_json");

        HttpResponse<String> notAnObject = admin.post("/admin/v1/providers", "[1, 2]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);

        HttpResponse<String> wrongType = admin.send(admin.request("/admin/v1/providers")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x")));
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(wrongType.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void invalidResourcesNameTheFieldAndStoreNothing() {
        long before = version();

        HttpResponse<String> badType = admin.post("/admin/v1/providers", "{\"name\":\"p\",\"type\":\"openia\"}");
        assertThat(badType.statusCode()).isEqualTo(422);
        assertThat(json(badType).at("/error/param").asText()).isEqualTo("type");
        assertThat(json(badType).at("/error/message").asText())
                .contains("openia")
                .contains("openai");

        HttpResponse<String> missingProvider =
                admin.post("/admin/v1/models", "{\"name\":\"m\",\"deployments\":[{\"provider\":\"nowhere\"}]}");
        assertThat(missingProvider.statusCode()).isEqualTo(422);
        assertThat(json(missingProvider).at("/error/param").asText()).isEqualTo("deployments[0].provider");

        HttpResponse<String> badPolicy = admin.post(
                "/admin/v1/policies", "{\"name\":\"broken\",\"when\":\"claims.sub ==\",\"allow_models\":[\"demo\"]}");
        assertThat(badPolicy.statusCode()).isEqualTo(422);
        assertThat(json(badPolicy).at("/error/param").asText()).isEqualTo("when");
        assertThat(json(badPolicy).at("/error/message").asText()).contains("claims.sub ==");

        HttpResponse<String> inUse = admin.delete("/admin/v1/providers/mock");
        assertThat(inUse.statusCode()).isEqualTo(422);
        assertThat(json(inUse).at("/error/message").asText()).contains("mock");

        assertThat(admin.get("/admin/v1/providers/p").statusCode()).isEqualTo(404);
        assertThat(version()).isEqualTo(before);
    }

    @Test
    void duplicatesConflictAndStaleWritesFailTheirPrecondition() {
        assertThat(admin.post("/admin/v1/providers", "{\"name\":\"dup\",\"type\":\"mock\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> again = admin.post("/admin/v1/providers", "{\"name\":\"dup\",\"type\":\"mock\"}");
        assertThat(again.statusCode()).isEqualTo(409);

        String etag = admin.get("/admin/v1/providers/dup")
                .headers()
                .firstValue("ETag")
                .orElseThrow();
        HttpResponse<String> updated =
                admin.put("/admin/v1/providers/dup", "{\"name\":\"dup\",\"type\":\"mock\",\"latency\":\"5ms\"}", etag);
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(updated.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);

        HttpResponse<String> stale = admin.put("/admin/v1/providers/dup", "{\"name\":\"dup\",\"type\":\"mock\"}", etag);
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(json(stale).at("/error/code").asText()).isEqualTo("stale_revision");

        HttpResponse<String> renamed = admin.put("/admin/v1/providers/dup", "{\"name\":\"other\",\"type\":\"mock\"}");
        assertThat(renamed.statusCode()).isEqualTo(422);
        assertThat(admin.delete("/admin/v1/providers/dup").statusCode()).isEqualTo(204);
        assertThat(admin.delete("/admin/v1/providers/dup").statusCode()).isEqualTo(404);
    }

    @Test
    void secretsAreWriteOnly() {
        HttpResponse<String> created = admin.post(
                "/admin/v1/providers",
                "{\"name\":\"upstream\",\"type\":\"openai\",\"base_url\":\"http://127.0.0.1:9/v1\",\"api_key\":\""
                        + PROVIDER_SECRET + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).get("api_key").asText()).isEqualTo("********");

        // Written back masked, the stored secret stays.
        String etag = created.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> kept = admin.put(
                "/admin/v1/providers/upstream",
                "{\"name\":\"upstream\",\"type\":\"openai\",\"base_url\":\"http://127.0.0.1:10/v1\",\"api_key\":\"********\"}",
                etag);
        assertThat(kept.statusCode()).isEqualTo(200);

        for (String path : List.of(
                "/admin/v1/providers",
                "/admin/v1/providers/upstream",
                "/admin/v1/config",
                "/admin/v1/audit?kind=providers",
                "/admin/v1/config/versions")) {
            assertThat(admin.get(path).body())
                    .as(path)
                    .doesNotContain(PROVIDER_SECRET)
                    .doesNotContain("enc:v1");
        }
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(line -> line.contains(PROVIDER_SECRET));
        assertThat(admin.delete("/admin/v1/providers/upstream").statusCode()).isEqualTo(204);
    }

    @Test
    void anApiKeyIsShownOnceWorksAtOnceAndStopsWhenDeleted() {
        HttpResponse<String> created = admin.post(
                "/admin/v1/api-keys?wait=converged", "{\"name\":\"ci\",\"tenant\":\"acme\",\"models\":[\"demo\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("x-gatehouse-converged")).hasValue("true");
        String key = json(created).get("key").asText();
        assertThat(key).startsWith("ghk_");
        assertThat(admin.get("/admin/v1/api-keys/ci").body())
                .doesNotContain(key)
                .contains("key_sha256");

        assertThat(chat(key)).isNotBlank();

        assertThat(admin.delete("/admin/v1/api-keys/ci?wait=converged").statusCode())
                .isEqualTo(204);
        assertThatRefused(() -> chat(key));
    }

    @Test
    void aNewModelServesAsSoonAsTheWriteConverged() {
        HttpResponse<String> created = admin.post(
                "/admin/v1/models?wait=converged&timeout=5s",
                "{\"name\":\"fresh\",\"deployments\":[{\"provider\":\"mock\",\"model\":\"mock-fresh\"}]}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("x-gatehouse-converged")).hasValue("true");
        assertThat(chat(SEED_KEY, "fresh")).isNotBlank();
    }

    @Test
    void aStreamInFlightFinishesOnTheConfigurationItStartedWith() throws Exception {
        assertThat(admin.post(
                                "/admin/v1/providers",
                                "{\"name\":\"slow\",\"type\":\"mock\",\"stream_chunks\":8,\"chunk_interval\":\"100ms\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(admin.post(
                                "/admin/v1/models?wait=converged",
                                "{\"name\":\"slow-model\",\"deployments\":[{\"provider\":\"slow\"}]}")
                        .statusCode())
                .isEqualTo(201);

        HttpRequest request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + SEED_KEY)
                .header("Content-Type", "application/json")
                .POST(
                        HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"slow-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six seven eight\"}]}"))
                .build();
        HttpResponse<Stream<String>> stream =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        Iterator<String> lines = stream.body().iterator();
        assertThat(lines.next()).startsWith("data: "); // the stream has begun

        // Both go while the answer streams: new requests no longer find the model...
        assertThat(admin.delete("/admin/v1/models/slow-model?wait=converged").statusCode())
                .isEqualTo(204);
        assertThat(admin.delete("/admin/v1/providers/slow?wait=converged").statusCode())
                .isEqualTo(204);
        assertThat(ConfigConvergenceTest.chat(node, SEED_KEY, "slow-model")).isEqualTo(404);
        // ...and the one in flight ends as it would have.
        List<String> rest = new ArrayList<>();
        lines.forEachRemaining(rest::add);
        assertThat(rest).contains("data: [DONE]").noneMatch(line -> line.contains("\"error\""));
    }

    @Test
    void theWholeConfigurationExportsAndImportsWithADryRun() {
        HttpResponse<String> exported = admin.send(admin.request("/admin/v1/config")
                .header("Accept", "application/yaml")
                .GET());
        assertThat(exported.statusCode()).isEqualTo(200);
        assertThat(exported.body()).contains("providers:").contains("models:");
        String etag = exported.headers().firstValue("ETag").orElseThrow();

        String document = exported.body() + "\n";
        String withExtra =
                document.replace("models:\n", "models:\n- name: imported\n  deployments:\n  - provider: mock\n");
        HttpResponse<String> dry = admin.send(admin.request("/admin/v1/config?dry_run=true")
                .header("Content-Type", "application/yaml")
                .header("If-Match", etag)
                .PUT(HttpRequest.BodyPublishers.ofString(withExtra)));
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        assertThat(json(dry).at("/created/models/0").asText()).isEqualTo("imported");
        assertThat(admin.get("/admin/v1/models/imported").statusCode()).isEqualTo(404);

        HttpResponse<String> applied = admin.putYaml("/admin/v1/config", withExtra);
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        assertThat(admin.get("/admin/v1/models/imported").statusCode()).isEqualTo(200);

        HttpResponse<String> stale = admin.send(admin.request("/admin/v1/config")
                .header("Content-Type", "application/yaml")
                .header("If-Match", etag)
                .PUT(HttpRequest.BodyPublishers.ofString(document)));
        assertThat(stale.statusCode()).isEqualTo(412);

        HttpResponse<String> local = admin.putYaml("/admin/v1/config", "node:\n  http_port: 1\n");
        assertThat(local.statusCode()).isEqualTo(422);
        assertThat(json(local).at("/error/param").asText()).isEqualTo("node");
    }

    @Test
    void theCacheSectionIsImportedExportedAndAppliedLikeAnyOther() throws Exception {
        String document = admin.send(admin.request("/admin/v1/config")
                                .header("Accept", "application/yaml")
                                .GET())
                        .body()
                + "\n";
        assertThat(document).doesNotContain("cache:");
        assertThat(cacheHeader()).isEmpty();

        HttpResponse<String> applied =
                admin.putYaml("/admin/v1/config?wait=converged", document + "cache:\n  ttl: 5m\n  min_uses: 1\n");
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        String exported = admin.send(admin.request("/admin/v1/config")
                        .header("Accept", "application/yaml")
                        .GET())
                .body();
        assertThat(exported).contains("cache:").contains("5m");
        assertThat(cacheHeader()).contains("miss");
        assertThat(cacheHeader()).contains("hit");

        assertThat(admin.putYaml("/admin/v1/config?wait=converged", document).statusCode())
                .isEqualTo(200);
        assertThat(cacheHeader()).isEmpty();
    }

    /** The {@code x-gatehouse-cache} header of a chat request, the same every time. */
    private static java.util.Optional<String> cacheHeader() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + SEED_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"cache me\"}]}"))
                .build();
        HttpResponse<Void> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("x-gatehouse-cache");
    }

    @Test
    void issuersAreNamedByTheirUrlPercentEncoded() {
        String issuer = "https://login.example.com/realms/acme";
        String path = "/admin/v1/issuers/" + URLEncoder.encode(issuer, StandardCharsets.UTF_8);
        HttpResponse<String> created = admin.post(
                "/admin/v1/issuers",
                "{\"issuer\":\"" + issuer
                        + "\",\"jwks_url\":\"http://127.0.0.1:9/jwks\",\"audiences\":[\"gatehouse\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(admin.get(path)).get("issuer").asText()).isEqualTo(issuer);
        assertThat(admin.delete(path).statusCode()).isEqualTo(204);
        assertThat(admin.get(path).statusCode()).isEqualTo(404);
    }

    @Test
    void theLimitsSectionIsReplacedWhole() {
        HttpResponse<String> bad = admin.put("/admin/v1/limits", "{\"on_unavailable\":\"maybe\"}");
        assertThat(bad.statusCode()).isEqualTo(422);
        HttpResponse<String> put =
                admin.put("/admin/v1/limits", "{\"timeout\":\"500ms\",\"on_unavailable\":\"closed\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(admin.get("/admin/v1/limits")).get("on_unavailable").asText())
                .isEqualTo("closed");
        assertThat(admin.put("/admin/v1/limits", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void theOpenApiDocumentIsPublic() {
        HttpResponse<String> document = admin.as(null).get("/admin/v1/openapi.json");
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(json(document).get("openapi").asText()).startsWith("3.1");
    }

    @Test
    void aNodeWithoutADatabaseShowsItsFileAndRefusesChanges() {
        Node fileNode = TestNodes.start("""
                node: { name: file-node, http_port: 0, admin_port: 0, admin_token: %s }
                providers: [{ name: mock, type: mock }]
                models: [{ name: demo, deployments: [{ provider: mock }] }]
                """.formatted(ADMIN_TOKEN));
        try {
            AdminClient fileAdmin = new AdminClient(fileNode.adminPort(), ADMIN_TOKEN);
            assertThat(json(fileAdmin.get("/admin/v1/models"))
                            .at("/data/0/name")
                            .asText())
                    .isEqualTo("demo");
            HttpResponse<String> write = fileAdmin.post("/admin/v1/models", "{\"name\":\"x\"}");
            assertThat(write.statusCode()).isEqualTo(409);
            assertThat(json(write).at("/error/code").asText()).isEqualTo("configuration_read_only");
        } finally {
            fileNode.stop(Duration.ZERO);
        }
    }

    private static long version() {
        return Long.parseLong(admin.get("/admin/v1/models")
                .headers()
                .firstValue("x-gatehouse-config-version")
                .orElseThrow());
    }

    private static String chat(String key) {
        return chat(key, "demo");
    }

    private static String chat(String key, String model) {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(TestNodes.baseUrl(node) + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .build();
        try {
            return client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model(model)
                            .addUserMessage("hello")
                            .build())
                    .choices()
                    .get(0)
                    .message()
                    .content()
                    .orElse("");
        } finally {
            client.close();
        }
    }

    private static void assertThatRefused(ThrowableAssert.ThrowingCallable call) {
        org.assertj.core.api.Assertions.assertThatThrownBy(call).isInstanceOf(UnauthorizedException.class);
    }
}
