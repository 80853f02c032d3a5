package io.gatehouse.providers.openai;

import static io.gatehouse.providers.openai.OpenAiTranslatorTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.ApiError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiErrorsTest {

    private static final byte[] DETAILED = utf8("{'error':{'message':'Incorrect API key provided: sk-abc***xyz.',"
            + "'type':'invalid_request_error','code':'invalid_api_key','param':'messages[0].content'}}");

    private final OpenAiTranslator translator = new OpenAiTranslator(true);

    @Test
    void a400KeepsTheUpstreamMessageTypeCodeAndParam() {
        byte[] body = bytes("{\"error\":{\"message\":\"Invalid value for 'temperature'.\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_value\",\"param\":\"temperature\"}}");

        ApiError error = translator.error(400, body, "openai");

        assertThat(error)
                .isEqualTo(new ApiError(
                        400,
                        "invalid_request_error",
                        "invalid_value",
                        "Invalid value for 'temperature'.",
                        "temperature"));
    }

    @Test
    void a400WithoutCodeOrParamHasNeither() {
        ApiError error = translator.error(400, utf8("{'error':{'message':'bad','type':null,'code':null}}"), "openai");

        assertThat(error).isEqualTo(new ApiError(400, "invalid_request_error", null, "bad", null));
    }

    @Test
    void a422BecomesA400() {
        ApiError error = translator.error(422, utf8("{'error':{'message':'unprocessable','type':'x'}}"), "vllm");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).isEqualTo("unprocessable");
    }

    @Test
    void a413StaysA413() {
        assertThat(translator
                        .error(413, utf8("{'error':{'message':'too big'}}"), "openai")
                        .status())
                .isEqualTo(413);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void credentialAndDeploymentErrorsBecome502WithoutUpstreamDetail(int status) {
        ApiError error = translator.error(status, DETAILED, "openai-east");

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("upstream_error");
        assertThat(error.message()).contains("openai-east").contains("administrator");
        assertThat(error.toString()).doesNotContain("sk-abc").doesNotContain("Incorrect API key");
        assertThat(error.param()).isNull();
    }

    @Test
    void a429StaysA429WithTypeRateLimitError() {
        byte[] body = utf8("{'error':{'message':'Rate limit reached for requests','type':'requests',"
                + "'code':'rate_limit_exceeded','param':null}}");

        ApiError error = translator.error(429, body, "openai");

        assertThat(error)
                .isEqualTo(new ApiError(
                        429, "rate_limit_error", "rate_limit_exceeded", "Rate limit reached for requests", null));
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 529})
    void serverErrorsBecome502WithoutUpstreamDetail(int status) {
        ApiError error = translator.error(status, DETAILED, "openai");

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.message()).contains("openai").contains(String.valueOf(status));
        assertThat(error.toString()).doesNotContain("sk-abc");
    }

    @Test
    void a408BecomesAGatewayTimeout() {
        assertThat(translator.error(408, new byte[0], "openai").status()).isEqualTo(504);
    }

    @Test
    void aNonJson400GetsAGenericMessageNamingTheProvider() {
        ApiError error = translator.error(400, bytes("<html><body>Bad Request</body></html>"), "openai");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).contains("openai").contains("400").doesNotContain("<html>");
    }

    @Test
    void aNonJson429IsStillARateLimit() {
        ApiError error = translator.error(429, bytes("Too Many Requests"), "openai");

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.type()).isEqualTo("rate_limit_error");
    }

    @Test
    void nonJsonServerErrorsAndEmptyBodiesBecome502() {
        assertThat(translator
                        .error(503, bytes("upstream connect error"), "openai")
                        .status())
                .isEqualTo(502);
        assertThat(translator.error(500, new byte[0], "openai").status()).isEqualTo(502);
        assertThat(translator.error(400, new byte[0], "openai").status()).isEqualTo(400);
    }

    @Test
    void anErrorGivenAsAStringBecomesTheMessage() {
        ApiError error = translator.error(400, utf8("{'error':'model is required'}"), "ollama");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).isEqualTo("model is required");
    }

    @Test
    void aJsonBodyWithoutAnErrorMemberGetsAGenericMessage() {
        ApiError error = translator.error(400, utf8("{'detail':'nope'}"), "openai");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).contains("openai");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
