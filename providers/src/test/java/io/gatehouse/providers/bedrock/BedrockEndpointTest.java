package io.gatehouse.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BedrockEndpointTest {
    private final BedrockEndpoint endpoint = new BedrockEndpoint(BedrockEndpoint.defaultBaseUrl("us-east-1"));

    @Test
    void putsTheModelIdInThePathOfConverseAndConverseStream() {
        assertThat(endpoint.chat("amazon.nova-lite-v1:0", false))
                .hasToString("https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1%3A0/converse");
        assertThat(endpoint.chat("amazon.nova-lite-v1:0", true))
                .hasToString(
                        "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1%3A0/converse-stream");
    }

    @Test
    void encodesAnArnAsOnePathSegment() {
        URI uri = endpoint.chat(
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
                false);

        assertThat(uri.getRawPath())
                .isEqualTo("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile"
                        + "%2Fus.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse");
    }

    @Test
    void acceptsABaseUrlWithATrailingSlash() {
        BedrockEndpoint local = new BedrockEndpoint(URI.create("http://127.0.0.1:4566/"));

        assertThat(local.chat("m", false)).hasToString("http://127.0.0.1:4566/model/m/converse");
    }

    @Test
    void servesNoEmbeddings() {
        assertThatThrownBy(() -> endpoint.embeddings("amazon.titan-embed-text-v2:0"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
