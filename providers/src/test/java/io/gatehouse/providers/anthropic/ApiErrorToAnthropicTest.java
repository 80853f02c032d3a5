package io.gatehouse.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiErrorToAnthropicTest {

    @Test
    void writesAnthropicsErrorShape() {
        JsonNode body = AnthropicFixtures.read(ApiErrorToAnthropic.body(ApiError.unknownModel("smart")));

        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("not_found_error");
        assertThat(body.at("/error/message").asText()).contains("'smart'");
        assertThat(body.size()).isEqualTo(2);
        assertThat(body.get("error").size()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({
        "400, invalid_request_error",
        "401, authentication_error",
        "403, permission_error",
        "404, not_found_error",
        "405, invalid_request_error",
        "413, request_too_large",
        "415, invalid_request_error",
        "429, rate_limit_error",
        "500, api_error",
        "502, api_error",
        "503, overloaded_error",
        "504, timeout_error"
    })
    void choosesTheTypeAnthropicDocumentsForEachStatus(int status, String type) {
        assertThat(ApiErrorToAnthropic.type(status)).isEqualTo(type);
    }
}
