package io.gatehouse.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiErrorsTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // the client's to fix: Google's own words
                "400|error-invalid-argument.json|400|invalid_request|candidate_count: must be between 1 and 8",
                // the gateway's configuration: no upstream detail, an instruction for an administrator
                "400|error-api-key-invalid.json|502|upstream_failed|rejected the gateway's credentials",
                "401|error-unauthenticated.json|502|upstream_failed|rejected the gateway's credentials",
                "403|error-permission-denied.json|502|upstream_failed|rejected the gateway's credentials",
                "404|error-not-found.json|502|upstream_failed|does not serve the configured model",
                "400|error-failed-precondition.json|502|upstream_failed|billing and region settings",
                "429|error-resource-exhausted.json|429|rate_limit_exceeded|try again in 37s",
                "503|error-unavailable.json|502|upstream_failed|(HTTP 503 UNAVAILABLE); try again",
                "500|error-internal.json|502|upstream_failed|(HTTP 500 INTERNAL); try again",
                "504|error-deadline-exceeded.json|504|upstream_timeout|timed out",
            })
    void mapsGoogleErrorsByTheirCanonicalStatus(
            int httpStatus, String fixture, int status, String code, String message) {
        ApiError error = GeminiErrors.map(httpStatus, GeminiFixtures.bytes(fixture), "gemini");

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).contains(message);
        if (status == 502) {
            // Google's text names projects, permissions and keys of the gateway's account.
            String upstream =
                    GeminiFixtures.json(fixture).path("error").path("message").asText();
            assertThat(error.message()).doesNotContain(upstream);
            assertThat(error.message()).contains("'gemini'");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "400, 400",
        "401, 502",
        "403, 502",
        "404, 502",
        "429, 429",
        "500, 502",
        "503, 502",
        "504, 504",
        "418, 502",
    })
    void aBodyThatIsNotAGoogleErrorIsMappedByItsHttpStatus(int httpStatus, int status) {
        ApiError error = GeminiErrors.map(
                httpStatus, "<html><body>Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8), "gemini");

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.message()).doesNotContain("html");
    }

    @org.junit.jupiter.api.Test
    void anErrorWrappedInAnArrayIsReadToo() {
        byte[] wrapped =
                ("[" + GeminiFixtures.text("error-resource-exhausted.json") + "]").getBytes(StandardCharsets.UTF_8);

        assertThat(GeminiErrors.map(429, wrapped, "gemini").message()).contains("37s");
    }
}
