package io.gatehouse.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BedrockErrorsTest {

    @ParameterizedTest(name = "{1} {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/ | 400 | validation.json          | 400 | Input is too long for requested model
            ThrottlingException                          | 429 | throttling.json          | 429 | Too many requests, please wait
            AccessDeniedException                        | 403 | access-denied.json       | 502 | rejected the gateway's credentials
            UnrecognizedClientException                  | 403 | unrecognized-client.json | 502 | rejected the gateway's credentials
            InvalidSignatureException                    | 403 | invalid-signature.json   | 502 | rejected the gateway's credentials
            ResourceNotFoundException                    | 404 | resource-not-found.json  | 502 | does not serve the configured model
            ModelTimeoutException                        | 408 | model-timeout.json       | 504 | timed out
            ServiceUnavailableException                  | 503 | service-unavailable.json | 502 | failed (HTTP 503); try again
            InternalServerException                      | 500 | internal-server.json     | 502 | failed (HTTP 500); try again
            com.amazon.coral.service#ModelErrorException | 424 | internal-server.json     | 502 | failed; try again
            """)
    void mapsTheErrorTypeHeaderAndBody(String errorType, int status, String fixture, int expected, String message) {
        ApiError error =
                BedrockErrors.map(status, errorType, BedrockFixtures.bytes("errors/" + fixture), "bedrock-east");

        assertThat(error.status()).isEqualTo(expected);
        assertThat(error.message()).contains(message);
    }

    @Test
    void credentialAndModelProblemsDoNotRevealUpstreamDetail() {
        ApiError denied = BedrockErrors.map(
                403, "AccessDeniedException", BedrockFixtures.bytes("errors/access-denied.json"), "bedrock-east");
        ApiError notFound = BedrockErrors.map(
                404,
                "ResourceNotFoundException",
                BedrockFixtures.bytes("errors/resource-not-found.json"),
                "bedrock-east");

        assertThat(denied.message()).doesNotContain("model ID").contains("an administrator must update them");
        assertThat(notFound.message()).doesNotContain("foundation model").contains("bedrock-east");
    }

    @Test
    void readsTheTypeFromTheBodyWhenTheHeaderIsMissing() {
        byte[] body = "{\"__type\":\"com.amazon.bedrock#ThrottlingException\",\"message\":\"Rate exceeded\"}"
                .getBytes(StandardCharsets.UTF_8);

        ApiError error = BedrockErrors.map(400, null, body, "bedrock-east");

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.type()).isEqualTo("rate_limit_error");
        assertThat(error.message()).isEqualTo("Rate exceeded");
    }

    @ParameterizedTest
    @CsvSource({"400, 400", "401, 502", "403, 502", "404, 502", "408, 504", "429, 429", "500, 502", "503, 502"})
    void fallsBackToTheStatusWithoutAnErrorType(int status, int expected) {
        ApiError error = BedrockErrors.map(status, null, "not json".getBytes(StandardCharsets.UTF_8), "b");

        assertThat(error.status()).isEqualTo(expected);
        assertThat(error.message()).isNotBlank();
    }

    @Test
    void streamExceptionsBecomeA502NamingOnlyTheException() {
        assertThat(BedrockErrors.midStream("throttlingException"))
                .isEqualTo(ApiError.upstreamFailed(
                        "The provider failed while streaming the answer (throttlingException)."));
        assertThat(BedrockErrors.midStream("not a <short> name").message())
                .isEqualTo("The provider failed while streaming the answer.");
        assertThat(BedrockErrors.midStream(null).status()).isEqualTo(502);
    }
}
