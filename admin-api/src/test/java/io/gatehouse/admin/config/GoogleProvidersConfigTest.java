package io.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code gemini} and {@code vertex-ai} provider types in the config file. */
class GoogleProvidersConfigTest {
    /** The shape of a service account key; the key itself is never parsed here. */
    private static final String KEY = "{\"type\":\"service_account\",\"project_id\":\"acme-prod-ai\","
            + "\"private_key_id\":\"3f8c2a91\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE"
            + " KEY-----\\n\",\"client_email\":\"gatehouse@acme-prod-ai.iam.gserviceaccount.com\","
            + "\"token_uri\":\"https://oauth2.googleapis.com/token\"}";

    private static GatewayConfig load(String providers, Map<String, String> env) {
        String yaml = "node: { name: n1 }\nproviders:\n" + providers;
        return new ConfigLoader(env::get).parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void geminiTakesAnApiKeyAndDefaultsToGoogleAi() {
        ProviderConfig gemini = load(
                        "  - { name: gemini, type: gemini, api_key: '${GEMINI_API_KEY}', timeouts: { first_byte: 90s } }\n",
                        Map.of("GEMINI_API_KEY", "AIzaSy-test-key"))
                .providers()
                .get(0);

        assertThat(gemini.type()).isEqualTo("gemini");
        assertThat(gemini.baseUrl()).isEqualTo(URI.create("https://generativelanguage.googleapis.com"));
        assertThat(gemini.apiKey().reveal()).isEqualTo("AIzaSy-test-key");
        assertThat(gemini.firstByteTimeout()).hasSeconds(90);
        assertThat(gemini.vertex()).isNull();
        assertThat(gemini.toString()).doesNotContain("AIzaSy-test-key");
    }

    @Test
    void vertexReadsTheServiceAccountKeyFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key.json");
        Files.writeString(file, KEY);

        ProviderConfig vertex = load(
                        "  - name: vertex\n    type: vertex-ai\n    project: acme-prod-ai\n    location: europe-west4\n"
                                + "    credentials_file: " + file + "\n",
                        Map.of())
                .providers()
                .get(0);

        assertThat(vertex.vertex().project()).isEqualTo("acme-prod-ai");
        assertThat(vertex.vertex().location()).isEqualTo("europe-west4");
        assertThat(vertex.vertex().credentials().reveal()).isEqualTo(KEY);
        assertThat(vertex.baseUrl()).isNull();
        assertThat(vertex.apiKey()).isNull();
        assertThat(vertex.toString()).doesNotContain("PRIVATE KEY").contains("credentials=****");
    }

    @Test
    void vertexTakesTheKeyContentFromAnEnvironmentVariableAndABaseUrl() {
        ProviderConfig vertex = load(
                        "  - { name: vertex, type: vertex-ai, project: acme-prod-ai, location: global,"
                                + " credentials_file: '${GOOGLE_KEY}', base_url: 'http://127.0.0.1:9000' }\n",
                        Map.of("GOOGLE_KEY", KEY))
                .providers()
                .get(0);

        assertThat(vertex.vertex().credentials().reveal()).isEqualTo(KEY);
        assertThat(vertex.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            { name: g, type: gemini }                                                  | providers[0].api_key: missing (expected: a Gemini API key
            { name: g, type: gemini, api_key: k, project: p }                          | providers[0].project: unknown key (expected one of: api_key, base_url, name, timeouts, type)
            { name: g, type: gemini, api_key: k, base_url: 'ftp://x' }                 | providers[0].base_url: "ftp://x" (expected: an http:// or https:// URL)
            { name: v, type: vertex-ai, location: us-central1, credentials_file: k }   | providers[0].project: missing (expected: the Google Cloud project id)
            { name: v, type: vertex-ai, project: 'Acme Prod', location: us-central1, credentials_file: k } | providers[0].project: "Acme Prod" (expected: a Google Cloud project id
            { name: v, type: vertex-ai, project: p, credentials_file: k }              | providers[0].location: missing (expected: a Google Cloud region such as us-central1, or global)
            { name: v, type: vertex-ai, project: p, location: 'evil.com/x', credentials_file: k } | providers[0].location: "evil.com/x" (expected: a Google Cloud region
            { name: v, type: vertex-ai, project: p, location: us-central1 }            | providers[0].credentials_file: missing (expected: the path of a service account JSON key file
            { name: v, type: vertex-ai, project: p, location: us-central1, credentials_file: /nonexistent/key.json } | providers[0].credentials_file: /nonexistent/key.json: no such file
            { name: v, type: vertex-ai, project: p, location: us-central1, credentials_file: '{not json' } | providers[0].credentials_file: not JSON (expected: a Google service account key)
            { name: v, type: vertex-ai, project: p, location: us-central1, credentials_file: '{\"type\":\"authorized_user\"}' } | providers[0].credentials_file: "type" is "authorized_user" (expected: "service_account"
            { name: v, type: vertex-ai, project: p, location: us-central1, credentials_file: '{\"type\":\"service_account\",\"private_key\":\"x\"}' } | providers[0].credentials_file: "client_email" is missing
            { name: v, type: vertex-ai, project: p, location: us-central1, credentials_file: k, api_key: x } | providers[0].api_key: unknown key (expected one of: base_url, credentials_file, location, name, project, timeouts, type)
            """)
    void errorsNameTheKeyAndWhatWasExpected(String provider, String message) {
        assertThatThrownBy(() -> load("  - " + provider + "\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void aKeyFileErrorNeverQuotesTheKey() {
        String noEmail = KEY.replace("client_email", "email");

        assertThatThrownBy(() -> load(
                        "  - { name: v, type: vertex-ai, project: p, location: us-central1, credentials_file: '${K}' }\n",
                        Map.of("K", noEmail)))
                .isInstanceOf(ConfigException.class)
                .message()
                .doesNotContain("PRIVATE")
                .doesNotContain("MIIEvQ");
    }

    @Test
    void theEmbeddedDefaultAddsGeminiWhenItsKeyIsSet() {
        GatewayConfig config = EmbeddedDefault.load(
                Map.of("GATEHOUSE_NODE_NAME", "n1", "GEMINI_API_KEY", "AIzaSy-test", "OPENAI_API_KEY", "sk-test")::get);

        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("mock", "openai", "gemini");
        assertThat(config.providers().get(2).apiKey().reveal()).isEqualTo("AIzaSy-test");
        assertThat(config.models())
                .extracting(ModelConfig::name)
                .contains("demo", "gpt-4o-mini", "gemini-2.5-flash", "gemini-embedding-001")
                .doesNotHaveDuplicates();
        assertThat(EmbeddedDefault.load(Map.of("GATEHOUSE_NODE_NAME", "n1")::get)
                        .providers())
                .extracting(ProviderConfig::name)
                .containsExactly("mock");
    }
}
