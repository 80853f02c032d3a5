package io.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    private static final String FULL = """
            node:
              name: node-a
              bind_address: 127.0.0.1
              http_port: 9080
              admin_port: 9081
              max_request_bytes: 1048576
              shutdown_grace: 10s
              data_dir: /var/lib/gatehouse
              upstream:
                connect_timeout: 250ms
                max_connections_per_host: 64
            providers:
              - name: mock
                type: mock
                latency: 5ms
                stream_chunks: 4
                chunk_interval: 0ms
                embedding_dimensions: 64
              - name: openai
                type: openai
                api_key: ${OPENAI_KEY}
                timeouts: { first_byte: 2m, idle: PT45S }
              - name: azure-east
                type: azure-openai
                base_url: https://east.openai.azure.com
                api_key: ${AZURE_KEY:-azure-fallback}
                api_version: "2024-10-21"
              - name: local
                type: openai
                base_url: http://localhost:11434/v1
            models:
              - name: gpt-4o
                deployments:
                  - { provider: openai, model: gpt-4o-2024-08-06, weight: 3 }
                  - { provider: azure-east, model: gpt4o-east, weight: 1 }
              - name: demo
                deployments:
                  - provider: mock
            """;

    private static final String MINIMAL_NODE = "node: { name: n1 }\n";

    @Test
    void loadsAFullValidConfig() {
        GatewayConfig config = load(FULL, Map.of("OPENAI_KEY", "sk-live-123"));

        NodeConfig node = config.node();
        assertThat(node.name()).isEqualTo("node-a");
        assertThat(node.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(node.httpPort()).isEqualTo(9080);
        assertThat(node.adminPort()).isEqualTo(9081);
        assertThat(node.maxRequestBytes()).isEqualTo(1_048_576);
        assertThat(node.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(node.dataDir()).isEqualTo(Path.of("/var/lib/gatehouse"));
        assertThat(node.upstream()).isEqualTo(new NodeConfig.UpstreamConfig(Duration.ofMillis(250), 64));
        assertThat(node.accessLog()).isEqualTo(NodeConfig.AccessLogOutput.STDOUT);

        assertThat(config.providers())
                .extracting(ProviderConfig::name)
                .containsExactly("mock", "openai", "azure-east", "local");

        ProviderConfig mock = config.providers().get(0);
        assertThat(mock.type()).isEqualTo("mock");
        assertThat(mock.baseUrl()).isNull();
        assertThat(mock.apiKey()).isNull();
        assertThat(mock.mock()).isEqualTo(new ProviderConfig.MockConfig(Duration.ofMillis(5), 4, Duration.ZERO, 64));

        ProviderConfig openai = config.providers().get(1);
        assertThat(openai.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(openai.apiKey()).isEqualTo(new Secret("sk-live-123"));
        assertThat(openai.firstByteTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(openai.idleTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(openai.mock()).isNull();

        ProviderConfig azure = config.providers().get(2);
        assertThat(azure.baseUrl()).isEqualTo(URI.create("https://east.openai.azure.com"));
        assertThat(azure.apiKey().reveal()).isEqualTo("azure-fallback");
        assertThat(azure.apiVersion()).isEqualTo("2024-10-21");
        assertThat(azure.firstByteTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(azure.idleTimeout()).isEqualTo(Duration.ofSeconds(30));

        ProviderConfig local = config.providers().get(3);
        assertThat(local.baseUrl()).isEqualTo(URI.create("http://localhost:11434/v1"));
        assertThat(local.apiKey()).isNull();

        assertThat(config.models()).extracting(ModelConfig::name).containsExactly("gpt-4o", "demo");
        assertThat(config.models().get(0).deployments())
                .containsExactly(
                        new ModelConfig.Deployment("openai", "gpt-4o-2024-08-06", 3),
                        new ModelConfig.Deployment("azure-east", "gpt4o-east", 1));
        assertThat(config.models().get(1).deployments())
                .as("the model defaults to the model's name and the weight to 1")
                .containsExactly(new ModelConfig.Deployment("mock", "demo", 1));
    }

    @Test
    void anEmptyDocumentGivesTheDefaults() {
        GatewayConfig config = load("", Map.of("GATEHOUSE_NODE_NAME", "n1"));

        NodeConfig node = config.node();
        assertThat(node.name()).isEqualTo("n1");
        assertThat(node.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(node.httpPort()).isEqualTo(8080);
        assertThat(node.adminPort()).isEqualTo(8081);
        assertThat(node.maxRequestBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(node.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(node.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(node.upstream()).isEqualTo(new NodeConfig.UpstreamConfig(Duration.ofSeconds(5), 256));
        assertThat(config.providers()).isEmpty();
        assertThat(config.models()).isEmpty();
    }

    @Test
    void readsJsonToo() {
        GatewayConfig config = load("{\"node\": {\"name\": \"n1\", \"http_port\": 1234}}", Map.of());

        assertThat(config.node().httpPort()).isEqualTo(1234);
    }

    // --- ${VAR} expansion -------------------------------------------------------------------

    @Test
    void expandsVariablesInsideValues() {
        GatewayConfig config = load("""
                node: { name: "${REGION}-${ZONE:-a}", data_dir: "/srv/${REGION}/data" }
                """, Map.of("REGION", "eu"));

        assertThat(config.node().name()).isEqualTo("eu-a");
        assertThat(config.node().dataDir()).isEqualTo(Path.of("/srv/eu/data"));
    }

    @Test
    void aDefaultIsUsedWhenTheVariableIsUnsetOrEmpty() {
        assertThat(load("node: { name: '${N:-fallback}' }", Map.of()).node().name())
                .isEqualTo("fallback");
        assertThat(load("node: { name: '${N:-fallback}' }", Map.of("N", ""))
                        .node()
                        .name())
                .isEqualTo("fallback");
        assertThat(load("node: { name: '${N:-fallback}' }", Map.of("N", "set"))
                        .node()
                        .name())
                .isEqualTo("set");
    }

    @Test
    void expandedValuesAreReadWithTheirKeysType() {
        GatewayConfig config = load("node: { name: n1, http_port: '${PORT}' }", Map.of("PORT", "9999"));

        assertThat(config.node().httpPort()).isEqualTo(9999);
    }

    @Test
    void anExpandedValueCannotInjectStructure() {
        GatewayConfig config = load("node: { name: '${N}' }", Map.of("N", "x\nhttp_port: 1"));

        assertThat(config.node().name()).isEqualTo("x\nhttp_port: 1");
        assertThat(config.node().httpPort()).isEqualTo(8080);
    }

    @Test
    void aDoubledDollarWritesALiteralReference() {
        assertThat(load("node: { name: 'a$${B}' }", Map.of("B", "expanded"))
                        .node()
                        .name())
                .isEqualTo("a${B}");
    }

    @Test
    void anUnsetVariableIsAnErrorNamingTheKeyAndTheVariable() {
        assertThatThrownBy(() -> load(FULL, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers[1].api_key")
                .hasMessageContaining("OPENAI_KEY")
                .hasMessageContaining("not set");
    }

    // --- unknown and unsupported keys ---------------------------------------------------------

    @Test
    void rejectsAnUnknownTopLevelKeyNamingTheAllowedOnes() {
        assertThatThrownBy(() -> load("modles: []", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("modles: unknown key")
                .hasMessageContaining("models")
                .hasMessageContaining("providers");
    }

    @Test
    void rejectsAnUnknownNestedKeyNamingItsPathAndTheAllowedKeys() {
        String doc = MINIMAL_NODE + """
                providers:
                  - { name: mock, type: mock }
                  - { name: openai, type: openai, api_key: k, baseurl: "https://x" }
                """;

        assertThatThrownBy(() -> load(doc, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("providers[1].baseurl: unknown key (expected one of: api_key, base_url, name, timeouts,"
                        + " type)");
    }

    @Test
    void anAnthropicProviderDefaultsItsUrlAndApiVersion() {
        String doc = MINIMAL_NODE + "providers:\n  - { name: claude, type: anthropic, api_key: '${ANTHROPIC_KEY}' }\n";

        ProviderConfig claude =
                load(doc, Map.of("ANTHROPIC_KEY", "sk-ant-test")).providers().get(0);

        assertThat(claude.type()).isEqualTo("anthropic");
        assertThat(claude.baseUrl()).isEqualTo(URI.create("https://api.anthropic.com"));
        assertThat(claude.apiKey().reveal()).isEqualTo("sk-ant-test");
        assertThat(claude.apiVersion()).isEqualTo("2023-06-01");
    }

    @Test
    void anAnthropicProviderTakesItsUrlAndApiVersion() {
        String doc = MINIMAL_NODE
                + "providers:\n  - { name: claude, type: anthropic, api_key: k, base_url: 'http://127.0.0.1:9000',"
                + " anthropic_version: '2024-01-01', timeouts: { first_byte: 5s } }\n";

        ProviderConfig claude = load(doc, Map.of()).providers().get(0);

        assertThat(claude.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(claude.apiVersion()).isEqualTo("2024-01-01");
        assertThat(claude.firstByteTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{ name: c, type: anthropic }                                       | providers[0].api_key: missing",
                "{ name: c, type: anthropic, api_key: k, anthropic_version: latest } | providers[0].anthropic_version: \"latest\" (expected: a version date",
                "{ name: c, type: anthropic, api_key: k, api_version: '2024-10-21' } | providers[0].api_version: unknown key"
            })
    void anAnthropicProviderIsValidated(String provider, String message) {
        assertThatThrownBy(() -> load(MINIMAL_NODE + "providers:\n  - " + provider + "\n", Map.of()))
                .hasMessageStartingWith(message);
    }

    @Test
    void rejectsKeysOfAnotherProviderType() {
        String doc = MINIMAL_NODE + "providers:\n  - { name: openai, type: openai, api_version: '2024-10-21' }\n";

        assertThatThrownBy(() -> load(doc, Map.of())).hasMessageStartingWith("providers[0].api_version: unknown key");
    }

    @Test
    void rejectsUnknownKeysInNodeAndDeployments() {
        assertThatThrownBy(() -> load("node: { name: n1, port: 1 }", Map.of()))
                .hasMessageStartingWith("node.port: unknown key")
                .hasMessageContaining("http_port");
        assertThatThrownBy(() -> load("node: { name: n1, upstream: { timeout: 1s } }", Map.of()))
                .hasMessageStartingWith("node.upstream.timeout: unknown key")
                .hasMessageContaining("connect_timeout");
        String doc = MINIMAL_NODE
                + "providers: [{ name: mock, type: mock }]\n"
                + "models: [{ name: demo, deployments: [{ provider: mock, weigth: 2 }] }]\n";
        assertThatThrownBy(() -> load(doc, Map.of()))
                .hasMessageStartingWith("models[0].deployments[0].weigth: unknown key")
                .hasMessageContaining("weight");
    }

    @Test
    void aNotYetSupportedTopLevelKeyGivesAClearError() {
        assertThatThrownBy(() -> load(MINIMAL_NODE + "telemetry:\n  enabled: true\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("telemetry: not supported by this version");
    }

    // --- cache ------------------------------------------------------------------------------

    @Test
    void withoutACacheKeyAnswersAreNotCached() {
        assertThat(load(MINIMAL_NODE, Map.of()).cache()).isEqualTo(CacheConfig.OFF);
        assertThat(CacheConfig.OFF.enabled()).isFalse();
    }

    @Test
    void aCacheKeyTurnsTheCacheOnWithItsSettings() {
        GatewayConfig config = load(
                MINIMAL_NODE + "cache: { ttl: 10m, max_entry_bytes: 65536, lookup_timeout: 50ms, min_uses: 1,"
                        + " semantic: { threshold: 0.9, max_entries: 64 } }\n"
                        + "cluster: { cache_memory_mb: 128 }\n",
                Map.of());

        assertThat(config.cache())
                .isEqualTo(new CacheConfig(
                        true,
                        Duration.ofMinutes(10),
                        65536,
                        Duration.ofMillis(50),
                        1,
                        new CacheConfig.Semantic(0.9, 64)));
        assertThat(config.cluster().cacheMemoryMegabytes()).isEqualTo(128);
        assertThat(load(MINIMAL_NODE + "cache: {}\n", Map.of()).cache())
                .isEqualTo(new CacheConfig(
                        true,
                        Duration.ofHours(1),
                        1 << 20,
                        Duration.ofMillis(100),
                        2,
                        new CacheConfig.Semantic(0.95, 256)));
        assertThat(load(MINIMAL_NODE + "cache: { enabled: false }\n", Map.of())
                        .cache()
                        .enabled())
                .isFalse();
    }

    @Test
    void aCacheSettingOutOfRangeOrMisspelledIsRefused() {
        assertThatThrownBy(() -> load(MINIMAL_NODE + "cache: { ttl: 0s }\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cache.ttl");
        assertThatThrownBy(() -> load(MINIMAL_NODE + "cache: { max_entry_bytes: 10 }\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cache.max_entry_bytes");
        assertThatThrownBy(() -> load(MINIMAL_NODE + "cache: { min_uses: 0 }\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cache.min_uses");
        assertThatThrownBy(() -> load(MINIMAL_NODE + "cache: { semantic: { threshold: 1.5 } }\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cache.semantic.threshold");
        assertThatThrownBy(() -> load(MINIMAL_NODE + "cache: { semantic: { max_entries: 0 } }\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cache.semantic.max_entries");
        assertThatThrownBy(() -> load(MINIMAL_NODE + "cache: { tll: 1h }\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cache.tll: unknown key");
    }

    // --- database ---------------------------------------------------------------------------

    @Test
    void withoutADatabaseTheFileIsTheWholeConfiguration() {
        assertThat(load(MINIMAL_NODE, Map.of()).database()).isNull();
    }

    @Test
    void anEmbeddedDatabaseLivesInTheDataDirectory() {
        GatewayConfig config =
                load("node: { name: n1, data_dir: /var/lib/gh }\ndatabase: { url: embedded }\n", Map.of());
        assertThat(config.database().url()).startsWith("jdbc:h2:file:/var/lib/gh/");
        assertThat(config.database().isEmbeddedH2()).isTrue();
    }

    @Test
    void aPostgresDatabaseTakesItsCredentialsFromTheEnvironment() {
        GatewayConfig config = load(
                MINIMAL_NODE + "database: { url: \"jdbc:postgresql://db:5432/gh\", pool_size: 4 }\n",
                Map.of("GATEHOUSE_DB_USER", "gatehouse", "GATEHOUSE_DB_PASSWORD", "s3cret-db-password"));
        assertThat(config.database().user()).isEqualTo("gatehouse");
        assertThat(config.database().password().reveal()).isEqualTo("s3cret-db-password");
        assertThat(config.database().maxPoolSize()).isEqualTo(4);
        assertThat(config.toString()).doesNotContain("s3cret-db-password");

        GatewayConfig fromEnv = load(MINIMAL_NODE, Map.of("GATEHOUSE_DB_URL", "jdbc:postgresql://other:5432/gh"));
        assertThat(fromEnv.database().url()).isEqualTo("jdbc:postgresql://other:5432/gh");
    }

    @Test
    void aDatabaseUrlOfAnotherKindIsRefused() {
        assertThatThrownBy(() -> load(MINIMAL_NODE + "database: { url: \"jdbc:mysql://db/gh\" }\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("database.url: \"jdbc:mysql://db/gh\"")
                .hasMessageContaining("jdbc:postgresql");
    }

    @Test
    void nodeLocalSectionsCannotBeStoredAsSharedOnes() {
        ConfigLoader loader = new ConfigLoader(name -> null);
        GatewayConfig local = load(MINIMAL_NODE, Map.of());
        assertThatThrownBy(() -> loader.withShared(
                        local,
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .createObjectNode()
                                .put("node", 1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("node: unknown key");
    }

    // --- validation -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            providers: [{ name: a, type: mock }, { name: b, type: watsonx }]            | providers[1].type: "watsonx" (expected: one of openai, azure-openai, anthropic, gemini, vertex-ai, bedrock, mock)
            providers: [{ name: a }]                                                    | providers[0].type: missing (expected: a non-empty string)
            providers: [{ type: mock }]                                                 | providers[0].name: missing (expected: a non-empty string)
            providers: [{ name: 'has space', type: mock }]                              | providers[0].name: "has space" (expected: letters, digits and . _ : / -, at most 128)
            providers: [{ name: a, type: mock }, { name: a, type: openai }]             | providers[1].name: "a" is already used by another provider
            providers: [{ name: a, type: azure-openai, api_key: k }]                    | providers[0].base_url: missing (expected: the resource URL
            providers: [{ name: a, type: azure-openai, base_url: 'https://x.openai.azure.com' }] | providers[0].api_key: missing (expected:
            providers: [{ name: a, type: openai, base_url: 'ftp://files' }]             | providers[0].base_url: "ftp://files" (expected: an http:// or https:// URL)
            providers: [{ name: a, type: openai, base_url: 'api.openai.com/v1' }]       | providers[0].base_url: "api.openai.com/v1" (expected: an http:// or https:// URL)
            providers: [{ name: a, type: openai, api_key: '' }]                         | providers[0].api_key: empty (expected: a non-empty string)
            providers: [{ name: a, type: openai, api_key: [k] }]                        | providers[0].api_key: ["k"] (expected: a string)
            providers: [{ name: a, type: mock, stream_chunks: 0 }]                      | providers[0].stream_chunks: 0 (expected: 1..10000)
            providers: [{ name: a, type: mock, stream_chunks: many }]                   | providers[0].stream_chunks: "many" (expected: an integer in 1..10000)
            providers: [{ name: a, type: mock, latency: soon }]                         | providers[0].latency: "soon" (expected: a duration such as 250ms, 5s, 2m or 1h)
            providers: [{ name: a, type: openai, timeouts: { idle: 2h } }]             | providers[0].timeouts.idle: 2h (expected: between 1ms and 1h)
            providers: [{ name: a, type: openai, timeouts: 5s }]                        | providers[0].timeouts: "5s" (expected: a mapping)
            providers: { name: a, type: mock }                                          | providers: a mapping (expected: a list)
            providers: [mock]                                                           | providers[0]: "mock" (expected: a mapping)
            models: [{ name: m, deployments: [{ provider: ghost }] }]                   | models[0].deployments[0].provider: "ghost" (expected: the name of a configured provider: p)
            models: [{ name: m, deployments: [{ model: x }] }]                          | models[0].deployments[0].provider: missing (expected: a non-empty string)
            models: [{ name: m, deployments: [] }]                                      | models[0].deployments: empty (expected: at least one deployment)
            models: [{ name: m }]                                                       | models[0].deployments: empty (expected: at least one deployment)
            models: [{ name: m, deployments: [{ provider: p }] }, { name: m, deployments: [{ provider: p }] }] | models[1].name: "m" is already used by another model
            models: [{ name: m, deployments: [{ provider: p, weight: 0 }, { provider: p, weight: 0 }] }] | models[0].deployments: every weight is 0 (expected: at least one weight above 0)
            models: [{ name: m, deployments: [{ provider: p, weight: -1 }] }]          | models[0].deployments[0].weight: -1 (expected: 0..1000000)
            """)
    void everyValidationErrorNamesTheKeyPathAndTheExpectedValue(String yaml, String message) {
        String doc = MINIMAL_NODE + (yaml.startsWith("models") ? "providers: [{ name: p, type: mock }]\n" : "") + yaml;

        assertThatThrownBy(() -> load(doc, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            node: { name: n1, http_port: 70000 }                       | node.http_port: 70000 (expected: 0..65535)
            node: { name: n1, http_port: eighty }                      | node.http_port: "eighty" (expected: an integer in 0..65535)
            node: { name: n1, http_port: 80.5 }                        | node.http_port: 80.5 (expected: an integer in 0..65535)
            node: { name: n1, http_port: 9000, admin_port: 9000 }      | node.admin_port: 9000 (expected: a port other than node.http_port)
            node: { name: n1, max_request_bytes: 10 }                  | node.max_request_bytes: 10 (expected: 1024..1073741824)
            node: { name: n1, shutdown_grace: 2h }                     | node.shutdown_grace: 2h (expected: between 0s and 1h)
            node: { name: n1, upstream: { max_connections_per_host: 0 } } | node.upstream.max_connections_per_host: 0 (expected: 1..65536)
            node: { name: n1, upstream: { connect_timeout: 0ms } }     | node.upstream.connect_timeout: 0ms (expected: between 1ms and 5m)
            node: { name: n1, access_log: file }                       | node.access_log: "file" (expected: one of stdout, off)
            node: { name: '' }                                         | node.name: empty (expected: a non-empty string)
            node: 5                                                    | node: 5 (expected: a mapping)
            node: [a, b]                                               | node: a list (expected: a mapping)
            """)
    void nodeValidationErrorsNameTheKeyPathAndTheExpectedValue(String yaml, String message) {
        assertThatThrownBy(() -> load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void bothPortsMayBeZeroToPickFreePorts() {
        NodeConfig node = load("node: { name: n1, http_port: 0, admin_port: 0 }", Map.of())
                .node();

        assertThat(node.httpPort()).isZero();
        assertThat(node.adminPort()).isZero();
    }

    @Test
    void aModelNeedsOnlyOneWeightAboveZero() {
        String doc = MINIMAL_NODE
                + "providers: [{ name: p, type: mock }, { name: q, type: mock }]\n"
                + "models: [{ name: m, deployments: [{ provider: p, weight: 0 }, { provider: q }] }]\n";

        assertThat(load(doc, Map.of()).models().get(0).deployments())
                .extracting(ModelConfig.Deployment::weight)
                .containsExactly(0, 1);
    }

    @Test
    void anUnknownProviderErrorListsTheConfiguredProviders() {
        String doc = MINIMAL_NODE
                + "providers: [{ name: zeta, type: mock }, { name: alpha, type: mock }]\n"
                + "models: [{ name: m, deployments: [{ provider: beta }] }]\n";

        assertThatThrownBy(() -> load(doc, Map.of()))
                .hasMessage("models[0].deployments[0].provider: \"beta\" (expected: the name of a configured"
                        + " provider: alpha, zeta)");
    }

    @Test
    void rejectsADocumentThatIsNotAMapping() {
        assertThatThrownBy(() -> load("- a\n- b\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.yaml: the document must be a mapping of top-level keys");
    }

    @Test
    void rejectsInvalidYamlNamingTheSourceAndLine() {
        assertThatThrownBy(() -> load("node:\n  name: [unclosed\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml: not valid YAML at line");
    }

    @Test
    void rejectsExcessivelyNestedYamlWithAConfigException() {
        assertThatThrownBy(() -> load("node: " + "[".repeat(1100), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml: not valid YAML");
    }

    @ParameterizedTest
    @CsvSource({"stdout, STDOUT", "off, OFF", "'\"off\"', OFF", "false, OFF", "on, STDOUT"})
    void readsWhereTheAccessLogGoes(String value, NodeConfig.AccessLogOutput expected) {
        GatewayConfig config = load("node: { name: n1, access_log: " + value + " }", Map.of());

        assertThat(config.node().accessLog()).isEqualTo(expected);
    }

    // --- durations --------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"250ms, PT0.25S", "5s, PT5S", "2m, PT2M", "1h, PT1H", "PT5S, PT5S", "PT1M30S, PT1M30S", "' 3 s ', PT3S"
    })
    void readsDurations(String text, Duration expected) {
        GatewayConfig config = load("node: { name: n1, shutdown_grace: '" + text + "' }", Map.of());

        assertThat(config.node().shutdownGrace()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5 seconds", "1d", "-5s", "ms", "1.5s"})
    void rejectsMalformedDurations(String text) {
        assertThatThrownBy(() -> load("node: { name: n1, shutdown_grace: '" + text + "' }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("node.shutdown_grace: \"" + text + "\" (expected: a duration");
    }

    // --- GATEHOUSE_* overrides ----------------------------------------------------------------

    @Test
    void environmentOverridesReplaceTheFilesNodeSettings() {
        Map<String, String> env = Map.of(
                "GATEHOUSE_HTTP_PORT", "18080",
                "GATEHOUSE_ADMIN_PORT", "18081",
                "GATEHOUSE_BIND_ADDRESS", "::1",
                "GATEHOUSE_NODE_NAME", "from-env",
                "GATEHOUSE_DATA_DIR", "/tmp/gatehouse-data");

        NodeConfig node = load(FULL, with(env, "OPENAI_KEY", "k")).node();

        assertThat(node.httpPort()).isEqualTo(18080);
        assertThat(node.adminPort()).isEqualTo(18081);
        assertThat(node.bindAddress()).isEqualTo("::1");
        assertThat(node.name()).isEqualTo("from-env");
        assertThat(node.dataDir()).isEqualTo(Path.of("/tmp/gatehouse-data"));
        assertThat(node.shutdownGrace()).as("other settings are kept").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void environmentOverridesApplyWithoutANodeKey() {
        NodeConfig node = load("", Map.of("GATEHOUSE_NODE_NAME", "n2", "GATEHOUSE_HTTP_PORT", "9000"))
                .node();

        assertThat(node.name()).isEqualTo("n2");
        assertThat(node.httpPort()).isEqualTo(9000);
    }

    @Test
    void blankOverridesAreIgnored() {
        NodeConfig node = load("node: { name: n1, http_port: 7000 }", Map.of("GATEHOUSE_HTTP_PORT", " "))
                .node();

        assertThat(node.httpPort()).isEqualTo(7000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            GATEHOUSE_HTTP_PORT  | http  | GATEHOUSE_HTTP_PORT: "http" (expected: an integer in 0..65535)
            GATEHOUSE_HTTP_PORT  | 70000 | GATEHOUSE_HTTP_PORT: 70000 (expected: 0..65535)
            GATEHOUSE_ADMIN_PORT | -1    | GATEHOUSE_ADMIN_PORT: -1 (expected: 0..65535)
            """)
    void aBadPortOverrideNamesTheVariable(String variable, String value, String message) {
        assertThatThrownBy(() -> load(MINIMAL_NODE, Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    // --- bind address -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1"})
    void acceptsLoopbackBindAddresses(String address) {
        assertThat(load("node: { name: n1, bind_address: '" + address + "' }", Map.of())
                        .node()
                        .bindAddress())
                .isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "10.1.2.3", "::", "192.168.1.20"})
    void refusesANonLoopbackBindAddress(String address) {
        assertThatThrownBy(() -> load("node: { name: n1, bind_address: '" + address + "' }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("node.bind_address: \"" + address + "\" would expose the gateway")
                .hasMessageContaining("expected: a loopback address");
    }

    @Test
    void refusesANonLoopbackBindAddressFromTheEnvironment() {
        assertThatThrownBy(() -> load(MINIMAL_NODE, Map.of("GATEHOUSE_BIND_ADDRESS", "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("node.bind_address: \"0.0.0.0\"");
    }

    // --- bedrock ----------------------------------------------------------------------------

    @Test
    void readsBedrocksRegionAndCredentialsFromTheItem() {
        String doc = MINIMAL_NODE + """
                providers:
                  - name: bedrock-east
                    type: bedrock
                    region: us-east-1
                    access_key_id: ${BEDROCK_KEY_ID}
                    secret_access_key: ${BEDROCK_SECRET}
                    session_token: ${BEDROCK_TOKEN}
                    timeouts: { first_byte: 90s }
                """;

        ProviderConfig bedrock = load(
                        doc,
                        Map.of(
                                "BEDROCK_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
                                "BEDROCK_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                "BEDROCK_TOKEN", "IQoJb3JpZ2luX2VjEXAMPLE",
                                "AWS_SESSION_TOKEN", "from-the-environment"))
                .providers()
                .get(0);

        assertThat(bedrock.type()).isEqualTo("bedrock");
        assertThat(bedrock.baseUrl()).isNull(); // the region's endpoint
        assertThat(bedrock.firstByteTimeout()).isEqualTo(Duration.ofSeconds(90));
        ProviderConfig.AwsConfig aws = bedrock.aws();
        assertThat(aws).isNotNull();
        assertThat(aws.region()).isEqualTo("us-east-1");
        assertThat(aws.accessKeyId().reveal()).isEqualTo("AKIAIOSFODNN7EXAMPLE");
        assertThat(aws.secretAccessKey().reveal()).isEqualTo("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assertThat(aws.sessionToken()).isNotNull();
        assertThat(aws.sessionToken().reveal()).isEqualTo("IQoJb3JpZ2luX2VjEXAMPLE");
        assertThat(bedrock.toString())
                .doesNotContain("AKIAIOSFODNN7EXAMPLE")
                .doesNotContain("EXAMPLEKEY")
                .doesNotContain("IQoJb3JpZ2luX2VjEXAMPLE")
                .contains("us-east-1");
    }

    @Test
    void bedrockTakesTheStandardAwsVariablesWhenTheItemNamesNoKeys() {
        String doc = MINIMAL_NODE
                + "providers: [{ name: b, type: bedrock, region: eu-central-1, base_url: 'http://127.0.0.1:4566' }]\n";

        ProviderConfig.AwsConfig aws = load(
                        doc,
                        Map.of(
                                "AWS_ACCESS_KEY_ID", "ASIAEXAMPLEKEYID",
                                "AWS_SECRET_ACCESS_KEY", "env-secret",
                                "AWS_SESSION_TOKEN", "env-token"))
                .providers()
                .get(0)
                .aws();

        assertThat(aws.accessKeyId().reveal()).isEqualTo("ASIAEXAMPLEKEYID");
        assertThat(aws.secretAccessKey().reveal()).isEqualTo("env-secret");
        assertThat(aws.sessionToken().reveal()).isEqualTo("env-token");
    }

    @Test
    void bedrockKeysFromTheItemDoNotPickUpAnotherIdentitysSessionToken() {
        String doc = MINIMAL_NODE + "providers: [{ name: b, type: bedrock, region: us-west-2,"
                + " access_key_id: AKIAEXAMPLE, secret_access_key: s }]\n";

        ProviderConfig.AwsConfig aws = load(doc, Map.of("AWS_SESSION_TOKEN", "someone-elses-token"))
                .providers()
                .get(0)
                .aws();

        assertThat(aws.sessionToken()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            { name: b, type: bedrock, access_key_id: k, secret_access_key: s }                      | providers[0].region: missing (expected: a non-empty string)
            { name: b, type: bedrock, region: 'US East', access_key_id: k, secret_access_key: s }   | providers[0].region: "US East" (expected: an AWS region such as us-east-1
            { name: b, type: bedrock, region: us-east-1 }                                          | providers[0].access_key_id: missing (expected: access_key_id and secret_access_key, or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables)
            { name: b, type: bedrock, region: us-east-1, access_key_id: k }                        | providers[0].secret_access_key: missing (expected: set together with access_key_id)
            { name: b, type: bedrock, region: us-east-1, secret_access_key: s }                    | providers[0].access_key_id: missing (expected: set together with secret_access_key)
            { name: b, type: bedrock, region: us-east-1, session_token: t }                        | providers[0].session_token: set without keys
            { name: b, type: bedrock, region: us-east-1, access_key_id: k, secret_access_key: s, api_key: x } | providers[0].api_key: unknown key
            { name: b, type: bedrock, region: us-east-1, access_key_id: k, secret_access_key: s, base_url: 'bedrock.local' } | providers[0].base_url: "bedrock.local" (expected: an http:// or https:// URL)
            """)
    void bedrockValidationErrorsNameTheKey(String provider, String message) {
        assertThatThrownBy(() -> load(MINIMAL_NODE + "providers: [" + provider + "]\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    // --- secrets and files ------------------------------------------------------------------

    @Test
    void apiKeysNeverAppearInToString() {
        GatewayConfig config = load(FULL, Map.of("OPENAI_KEY", "sk-live-123"));

        assertThat(config.toString()).doesNotContain("sk-live-123").doesNotContain("azure-fallback");
        assertThat(config.providers().get(1).toString()).contains("apiKey=****");
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, "node: { name: from-file }\n");

        assertThat(new ConfigLoader(Map.<String, String>of()::get)
                        .load(file)
                        .node()
                        .name())
                .isEqualTo("from-file");
    }

    @Test
    void aMissingFileIsAConfigExceptionNamingIt(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": no such file (expected: a readable YAML config file)");
    }

    @Test
    void errorsInAFileNameTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "node: { name: n1 }\nproviders: [{ name: a, type: [}\n");

        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": not valid YAML at line 2");
    }

    private static GatewayConfig load(String yaml, Map<String, String> env) {
        return new ConfigLoader(env::get).parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    @Test
    void aDuplicateKeyIsAnErrorRatherThanSilentlyReplacingTheFirst() {
        assertThatThrownBy(() -> load("""
                        providers:
                          - { name: mock, type: mock }
                        providers:
                          - { name: other, type: mock }
                        """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("providers");
    }

    private static final String MODELS = """
            providers:
              - { name: mock, type: mock }
            models:
              - name: smart
                deployments: [{ provider: mock }]
              - name: eng-smart
                deployments: [{ provider: mock }]
            """;

    @Test
    void readsIssuersApiKeysAndPolicies() {
        GatewayConfig config = load(MODELS + """
                auth:
                  jwt:
                    issuers:
                      - issuer: https://idp.example.com/realms/acme
                        jwks_url: https://idp.example.com/realms/acme/protocol/openid-connect/certs
                        audiences: [gatehouse]
                        algorithms: [RS256]
                        clock_skew: 30s
                        tenant: acme
                        groups_claim: realm_access.roles
                      - issuer: https://login.example.org
                  api_keys:
                    - name: ci-bot
                      key: ${CI_KEY}
                      tenant: acme
                      models: [smart]
                      expires_at: 2027-01-31T00:00:00Z
                    - name: old
                      key_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
                      revoked: true
                policies:
                  - name: eng-premium
                    when: "'eng' in principal.groups && request.model == 'smart'"
                    allow_models: [smart]
                    route: { smart: eng-smart }
                    limits: { rpm: 600, tpm: 200000, key: "claims.sub" }
                    cache: { scope: subject, mode: semantic }
                    max_tokens: 4096
                    budget_key: "principal.tenant"
                  - name: everyone-else
                    when: "true"
                    action: deny
                    message: Ask the platform team for access.
                """, Map.of("CI_KEY", "ci-key-0123456789abcdefghij"));

        AuthConfig auth = config.auth();
        assertThat(auth.issuers()).hasSize(2);
        AuthConfig.Issuer keycloak = auth.issuers().get(0);
        assertThat(keycloak.audiences()).containsExactly("gatehouse");
        assertThat(keycloak.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(keycloak.groupsClaim()).isEqualTo("realm_access.roles");
        assertThat(auth.issuers().get(1).jwksUrl()).isNull();
        assertThat(auth.issuers().get(1).algorithms()).containsExactly("RS256", "ES256");
        assertThat(auth.apiKeys().get(0).sha256()).hasSize(64).isNotEqualTo("ci-key-0123456789abcdefghij");
        assertThat(auth.apiKeys().get(0).models()).containsExactly("smart");
        assertThat(auth.apiKeys().get(1).revoked()).isTrue();
        assertThat(config.policies()).hasSize(2);
        PolicyConfig premium = config.policies().get(0);
        assertThat(premium.routes()).containsEntry("smart", "eng-smart");
        assertThat(premium.limits()).isEqualTo(new PolicyConfig.Limits(600L, 200_000L, null, "claims.sub"));
        assertThat(premium.cacheMode()).isEqualTo("semantic");
        assertThat(config.policies().get(1).action()).isEqualTo("deny");
    }

    @Test
    void withAuthTheNodeMayBindBeyondLoopback() {
        GatewayConfig config = load(MODELS + """
                node: { bind_address: 0.0.0.0 }
                auth:
                  api_keys:
                    - { name: svc, key: "0123456789abcdef0123456789abcdef" }
                """, Map.of());

        assertThat(config.node().bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void hmacAlgorithmsAreRefusedForIssuers() {
        assertThatThrownBy(() -> load("""
                        auth:
                          jwt:
                            issuers:
                              - { issuer: "https://idp", algorithms: [HS256] }
                        """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.jwt.issuers[0].algorithms[0]: \"HS256\"");
    }

    @Test
    void aShortApiKeyIsRefused() {
        assertThatThrownBy(() -> load("""
                        auth:
                          api_keys: [{ name: weak, key: "short" }]
                        """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.api_keys[0].key: 5 characters");
    }

    @Test
    void aRouteToAMissingModelIsRefused() {
        assertThatThrownBy(() -> load(MODELS + """
                        policies:
                          - { name: p, when: "true", route: { smart: nowhere } }
                        """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("policies[0].route.smart: \"nowhere\"");
    }

    @Test
    void aReservedKeyWithoutAValueIsStillRefused() {
        assertThatThrownBy(() -> load("telemetry:\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("telemetry: not supported");
    }

    @Test
    void readsClusterAndLimitsWithEnvironmentOverrides() {
        GatewayConfig config = load(
                """
                cluster:
                  name: prod
                  members: ["10.0.0.5:5701", "10.0.0.6:5701"]
                limits:
                  timeout: 100ms
                  on_unavailable: closed
                """,
                Map.of(
                        "GATEHOUSE_CLUSTER_PORT",
                        "5801",
                        "GATEHOUSE_CLUSTER_MEMBERS",
                        "127.0.0.1:5801, 127.0.0.1:5802,127.0.0.1:5803"));

        assertThat(config.cluster().name()).isEqualTo("prod");
        assertThat(config.cluster().port()).isEqualTo(5801);
        assertThat(config.cluster().members()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802", "127.0.0.1:5803");
        assertThat(config.cluster().expectedMembers()).isEqualTo(3);
        assertThat(config.cluster().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.limits().timeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.limits().failOpen()).isFalse();
    }

    @Test
    void withoutAClusterKeyTheNodeIsAClusterOfOne() {
        GatewayConfig config = load("", Map.of());

        assertThat(config.cluster().members()).isEmpty();
        assertThat(config.cluster().expectedMembers()).isEqualTo(1);
        assertThat(config.limits()).isEqualTo(LimitsConfig.DEFAULT);
    }

    @Test
    void aMalformedMemberAddressIsRefused() {
        assertThatThrownBy(() -> load("cluster: { members: [\"just-a-host\"] }", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cluster.members[0]: \"just-a-host\" (expected: host:port");
    }

    @Test
    void modelsNamedByPoliciesAndKeysMustExist() {
        assertThatThrownBy(() -> load(MODELS + """
                        policies:
                          - { name: p, when: "true", allow_models: [smart, smrat] }
                        """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "policies[0].allow_models[1]: \"smrat\" (expected: the name of a configured model)");
        assertThatThrownBy(() -> load(MODELS + """
                        auth:
                          api_keys: [{ name: k, key: "0123456789abcdef0123456789", models: [gpt-9] }]
                        """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.api_keys[0].models[0]: \"gpt-9\"");
    }
}
