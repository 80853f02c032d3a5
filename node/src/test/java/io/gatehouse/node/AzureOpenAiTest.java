package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.gatehouse.node.testing.FakeOpenAiUpstream;
import io.gatehouse.node.testing.TestNodes;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Azure OpenAI's URL layout and {@code api-key} header, against a fake upstream. */
class AzureOpenAiTest {

    @Test
    void perDeploymentApiPutsTheDeploymentInThePathAndTheKeyInApiKey() {
        try (FakeOpenAiUpstream azure = new FakeOpenAiUpstream()) {
            Node node = TestNodes.start("""
                    providers:
                      - name: azure-east
                        type: azure-openai
                        base_url: %s
                        api_version: "2024-10-21"
                        api_key: ${AZURE_KEY}
                    models:
                      - name: gpt-4o
                        deployments: [{ provider: azure-east, model: my-gpt4o-deployment }]
                    """.formatted(azure.rootUrl()), Map.of("AZURE_KEY", "azure-secret-key"));
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl(TestNodes.baseUrl(node) + "/v1")
                    .apiKey("client")
                    .maxRetries(0)
                    .build();
            try {
                ChatCompletion completion = client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("gpt-4o")
                                .addUserMessage("Capital of France?")
                                .build());

                assertThat(completion.choices().get(0).message().content())
                        .hasValueSatisfying(c -> assertThat(c).contains("Paris"));
                FakeOpenAiUpstream.Received request = azure.lastReceived();
                assertThat(request.path()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions");
                assertThat(request.query()).isEqualTo("api-version=2024-10-21");
                assertThat(request.headers().get("api-key")).isEqualTo("azure-secret-key");
                assertThat(request.headers()).doesNotContainKey("Authorization");
                assertThat(request.body()).doesNotContain("\"model\"");
            } finally {
                client.close();
                node.stop(Duration.ZERO);
            }
        }
    }

    @Test
    void v1ApiKeepsTheModelInTheBody() {
        try (FakeOpenAiUpstream azure = new FakeOpenAiUpstream()) {
            Node node = TestNodes.start("""
                    providers:
                      - { name: azure, type: azure-openai, base_url: %s, api_key: k }
                    models:
                      - name: gpt-4o
                        deployments: [{ provider: azure, model: gpt-4o-deployment }]
                    """.formatted(azure.rootUrl()));
            try {
                java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(TestNodes.baseUrl(node) + "/v1/chat/completions"))
                                        .header("Content-Type", "application/json")
                                        .POST(
                                                java.net.http.HttpRequest.BodyPublishers.ofString(
                                                        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(azure.lastReceived().path()).isEqualTo("/openai/v1/chat/completions");
                assertThat(azure.lastReceived().body()).contains("\"model\":\"gpt-4o-deployment\"");
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                node.stop(Duration.ZERO);
            }
        }
    }
}
