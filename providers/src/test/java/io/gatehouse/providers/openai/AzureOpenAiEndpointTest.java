package io.gatehouse.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class AzureOpenAiEndpointTest {

    private static final URI RESOURCE = URI.create("https://my-resource.openai.azure.com");

    @Test
    void withAnApiVersionTheDeploymentIsInThePath() {
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(RESOURCE, "2024-10-21");

        assertThat(endpoint.chat("gpt4o-east", true))
                .isEqualTo(
                        URI.create("https://my-resource.openai.azure.com/openai/deployments/gpt4o-east/chat/completions"
                                + "?api-version=2024-10-21"));
        assertThat(endpoint.embeddings("embed-small"))
                .isEqualTo(URI.create("https://my-resource.openai.azure.com/openai/deployments/embed-small/embeddings"
                        + "?api-version=2024-10-21"));
    }

    @Test
    void withoutAnApiVersionItUsesTheV1Api() {
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(RESOURCE, null);

        assertThat(endpoint.chat("gpt-4o", false))
                .isEqualTo(URI.create("https://my-resource.openai.azure.com/openai/v1/chat/completions"));
        assertThat(endpoint.embeddings("text-embedding-3-small"))
                .isEqualTo(URI.create("https://my-resource.openai.azure.com/openai/v1/embeddings"));
    }

    @Test
    void ignoresATrailingSlashOnTheResourceUrl() {
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(URI.create(RESOURCE + "/"), "2024-10-21");

        assertThat(endpoint.chat("d", false).getPath()).isEqualTo("/openai/deployments/d/chat/completions");
    }

    @Test
    void escapesTheDeploymentAndTheApiVersion() {
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(RESOURCE, "2024-10-21&x=y");

        URI uri = endpoint.chat("../../admin?", false);

        assertThat(uri.getRawPath()).isEqualTo("/openai/deployments/..%2F..%2Fadmin%3F/chat/completions");
        assertThat(uri.getRawQuery()).isEqualTo("api-version=2024-10-21%26x%3Dy");
    }
}
