package io.gatehouse.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

    @ParameterizedTest
    @CsvSource({
        // fixture,                      upstream status, client status, client type, keeps message
        "error-invalid-request.json,     400, 400, invalid_request_error, true",
        "error-authentication.json,      401, 502, upstream_error,        false",
        "error-permission.json,          403, 502, upstream_error,        false",
        "error-not-found.json,           404, 502, upstream_error,        false",
        "error-request-too-large.json,   413, 413, invalid_request_error, true",
        "error-rate-limit.json,          429, 429, rate_limit_error,      true",
        "error-api.json,                 500, 502, upstream_error,        false",
        "error-timeout.json,             504, 504, timeout_error,         false",
        "error-overloaded.json,          529, 503, service_unavailable,   false"
    })
    void mapsEachErrorType(String fixture, int upstreamStatus, int status, String type, boolean keepsMessage) {
        byte[] body = AnthropicFixtures.bytes(fixture);
        String upstreamMessage =
                AnthropicFixtures.json(fixture).at("/error/message").asText();

        ApiError error = new AnthropicTranslator().error(upstreamStatus, body, "claude-prod");

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        if (keepsMessage) {
            assertThat(error.message()).isEqualTo(upstreamMessage);
        } else {
            // The provider's detail could reveal configuration; the client learns who failed and what to do.
            assertThat(error.message()).doesNotContain(upstreamMessage).contains("claude-prod");
        }
    }

    @ParameterizedTest
    @CsvSource({"400, 400", "401, 502", "404, 502", "413, 413", "429, 429", "500, 502", "504, 504", "529, 503"})
    void aBodyThatIsNotJsonIsMappedByStatus(int upstreamStatus, int status) {
        byte[] body = "<html><body>upstream proxy error</body></html>".getBytes(StandardCharsets.UTF_8);

        ApiError error = AnthropicErrors.map(upstreamStatus, body, "claude-prod");

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.message()).doesNotContain("html");
    }

    @ParameterizedTest
    @CsvSource({"overloaded_error, 503", "api_error, 502", "rate_limit_error, 502", "brand_new_error, 502"})
    void streamErrorEventsKeepOnlyTheirType(String type, int status) {
        ApiError error = AnthropicErrors.midStream(
                AnthropicFixtures.object("{'type':'" + type + "','message':'internal detail'}"));

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.message()).contains(type).doesNotContain("internal detail");
    }
}
