package io.gatehouse.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class GoogleEndpointsTest {

    @Test
    void theGeminiApiNamesTheModelAndMethodInThePath() {
        GeminiEndpoint endpoint = new GeminiEndpoint(GeminiEndpoint.DEFAULT_BASE_URL);

        assertThat(endpoint.chat("gemini-2.5-flash", false))
                .hasToString(
                        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(endpoint.chat("models/gemini-2.5-flash", true))
                .hasToString("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash"
                        + ":streamGenerateContent?alt=sse");
        assertThat(endpoint.embeddings("gemini-embedding-001"))
                .hasToString(
                        "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    }

    @Test
    void aBaseUrlMayHaveAPathAndATrailingSlashAndModelsAreEncoded() {
        GeminiEndpoint endpoint = new GeminiEndpoint(URI.create("http://127.0.0.1:9000/google/"));

        assertThat(endpoint.chat("tuned/../my model", false))
                .hasToString("http://127.0.0.1:9000/google/v1beta/models/tuned%2F..%2Fmy%20model:generateContent");
    }

    @Test
    void vertexUsesTheLocationsHostAndTheProjectsPublisherPath() {
        VertexEndpoint endpoint = new VertexEndpoint(null, "acme-prod-ai", "europe-west4");

        assertThat(endpoint.chat("gemini-2.5-pro", false))
                .hasToString("https://europe-west4-aiplatform.googleapis.com/v1/projects/acme-prod-ai/locations/"
                        + "europe-west4/publishers/google/models/gemini-2.5-pro:generateContent");
        assertThat(endpoint.chat("gemini-2.5-pro", true))
                .hasToString("https://europe-west4-aiplatform.googleapis.com/v1/projects/acme-prod-ai/locations/"
                        + "europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    }

    @Test
    void vertexGlobalHasNoRegionalHostAndABaseUrlReplacesTheHost() {
        assertThat(new VertexEndpoint(null, "p", "global").chat("gemini-2.5-flash", false))
                .hasToString("https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/"
                        + "models/gemini-2.5-flash:generateContent");
        assertThat(new VertexEndpoint(URI.create("http://127.0.0.1:9000"), "p", "us-central1").chat("m", false))
                .hasToString("http://127.0.0.1:9000/v1/projects/p/locations/us-central1/publishers/google/models/m"
                        + ":generateContent");
    }

    @Test
    void aLocationMustBeARegionNameSinceItBecomesPartOfAHostName() {
        assertThatThrownBy(() -> new VertexEndpoint(null, "p", "evil.example.com/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("location: \"evil.example.com/x\" (expected: a Google Cloud region");
    }
}
