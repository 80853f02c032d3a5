package io.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedDefaultTest {

    @Test
    void servesTheDemoModelFromTheMockProviderOnLoopback() {
        GatewayConfig config = EmbeddedDefault.load(Map.of("GATEHOUSE_NODE_NAME", "n1")::get);

        assertThat(config.node().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.node().httpPort()).isEqualTo(8080);
        assertThat(config.node().adminPort()).isEqualTo(8081);
        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("mock");
        ProviderConfig mock = config.providers().getFirst();
        assertThat(mock.type()).isEqualTo("mock");
        assertThat(mock.apiKey()).isNull();
        assertThat(mock.mock()).isNotNull();
        assertThat(mock.mock().streamChunks()).isEqualTo(8);

        ModelConfig demo = config.models().stream()
                .filter(m -> m.name().equals("demo"))
                .findFirst()
                .orElseThrow();
        assertThat(demo.deployments())
                .singleElement()
                .satisfies(d -> assertThat(d.provider()).isEqualTo("mock"));
        assertThat(config.models())
                .allSatisfy(m -> assertThat(m.deployments())
                        .allSatisfy(d -> assertThat(d.provider()).isEqualTo("mock")));
    }

    @Test
    void addsTheOpenAiProviderWhenAnApiKeyIsSet() {
        GatewayConfig config =
                EmbeddedDefault.load(Map.of("GATEHOUSE_NODE_NAME", "n1", "OPENAI_API_KEY", "sk-test-secret")::get);

        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("mock", "openai");
        ProviderConfig openai = config.providers().get(1);
        assertThat(openai.type()).isEqualTo("openai");
        assertThat(openai.apiKey()).isNotNull();
        assertThat(openai.apiKey().reveal()).isEqualTo("sk-test-secret");
        assertThat(openai.apiKey().toString()).isEqualTo("****");
        assertThat(config.toString()).doesNotContain("sk-test-secret");
        assertThat(config.models())
                .extracting(ModelConfig::name)
                .contains("demo", "gpt-4o-mini")
                .doesNotHaveDuplicates();
        assertThat(config.node().bindAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void addsTheAnthropicProviderWhenItsKeyIsSet() {
        GatewayConfig config = EmbeddedDefault.load(Map.of(
                "GATEHOUSE_NODE_NAME", "n1", "OPENAI_API_KEY", "sk-test", "ANTHROPIC_API_KEY", "sk-ant-test")::get);

        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("mock", "openai", "anthropic");
        ProviderConfig anthropic = config.providers().get(2);
        assertThat(anthropic.type()).isEqualTo("anthropic");
        assertThat(anthropic.apiKey().reveal()).isEqualTo("sk-ant-test");
        assertThat(anthropic.apiVersion()).isEqualTo("2023-06-01");
        assertThat(config.models()).extracting(ModelConfig::name).contains("claude-sonnet-4-5", "claude-haiku-4-5");
    }

    @Test
    void aBlankApiKeyAddsNothing() {
        GatewayConfig config = EmbeddedDefault.load(Map.of("GATEHOUSE_NODE_NAME", "n1", "OPENAI_API_KEY", "  ")::get);

        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("mock");
    }

    @Test
    void nodeOverridesFromTheEnvironmentApply() {
        GatewayConfig config =
                EmbeddedDefault.load(Map.of("GATEHOUSE_NODE_NAME", "edge-1", "GATEHOUSE_HTTP_PORT", "9090")::get);

        assertThat(config.node().name()).isEqualTo("edge-1");
        assertThat(config.node().httpPort()).isEqualTo(9090);
    }
}
