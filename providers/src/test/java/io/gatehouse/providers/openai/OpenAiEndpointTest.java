package io.gatehouse.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OpenAiEndpointTest {

    @Test
    void appendsTheOperationToTheBaseUrl() {
        OpenAiEndpoint endpoint = new OpenAiEndpoint(URI.create("https://api.openai.com/v1"));

        assertThat(endpoint.chat("gpt-4o", false)).isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
        assertThat(endpoint.chat("gpt-4o", true)).isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
        assertThat(endpoint.embeddings("text-embedding-3-small"))
                .isEqualTo(URI.create("https://api.openai.com/v1/embeddings"));
    }

    @Test
    void ignoresATrailingSlash() {
        OpenAiEndpoint endpoint = new OpenAiEndpoint(URI.create("http://vllm:8000/v1/"));

        assertThat(endpoint.chat("m", false)).isEqualTo(URI.create("http://vllm:8000/v1/chat/completions"));
        assertThat(endpoint.embeddings("m")).isEqualTo(URI.create("http://vllm:8000/v1/embeddings"));
    }

    @Test
    void theModelIsNotPartOfTheUrl() {
        OpenAiEndpoint endpoint = new OpenAiEndpoint(URI.create("http://localhost:11434/v1"));

        assertThat(endpoint.chat("llama3", false)).isEqualTo(endpoint.chat("mistral", false));
    }
}
