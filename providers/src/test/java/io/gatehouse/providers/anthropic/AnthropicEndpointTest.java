package io.gatehouse.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicEndpointTest {

    @Test
    void messagesLiveUnderV1AndEveryRequestNamesTheApiVersion() {
        AnthropicEndpoint endpoint = new AnthropicEndpoint(URI.create("https://api.anthropic.com"), "2023-06-01");

        assertThat(endpoint.chat("claude-sonnet-4-5", true))
                .isEqualTo(URI.create("https://api.anthropic.com/v1/messages"));
        assertThat(endpoint.headers()).isEqualTo(Map.of("anthropic-version", "2023-06-01"));
    }

    @Test
    void aTrailingSlashIsIgnored() {
        AnthropicEndpoint endpoint = new AnthropicEndpoint(
                URI.create("http://127.0.0.1:9000/anthropic/"), AnthropicEndpoint.DEFAULT_VERSION);

        assertThat(endpoint.chat("m", false)).isEqualTo(URI.create("http://127.0.0.1:9000/anthropic/v1/messages"));
    }
}
