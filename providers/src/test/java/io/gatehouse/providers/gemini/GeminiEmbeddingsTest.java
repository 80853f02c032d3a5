package io.gatehouse.providers.gemini;

import static io.gatehouse.providers.gemini.GeminiFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeminiEmbeddingsTest {
    private final GeminiTranslator translator = GeminiFixtures.translator();

    private static EmbeddingRequest request(String json) {
        return EmbeddingRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachInputIsOneRequestOfTheBatchWithTheDimensionsAsOutputDimensionality() {
        EmbeddingRequest request = EmbeddingRequest.parse(GeminiFixtures.bytes("embeddings-request.openai.json"));

        assertThat(json(translator.requestBody(request, "gemini-embedding-001")))
                .isEqualTo(json("embeddings-request.gemini.json"));
        assertThat(json(translator.requestBody(request, "models/gemini-embedding-001")))
                .isEqualTo(json("embeddings-request.gemini.json"));
    }

    @Test
    void theEmbeddingsComeBackAsOpenAisList() {
        EmbeddingRequest request = EmbeddingRequest.parse(GeminiFixtures.bytes("embeddings-request.openai.json"));

        ChatTranslator.Translated translated =
                translator.response(GeminiFixtures.bytes("embeddings-response.gemini.json"), request);

        assertThat(json(translated.json())).isEqualTo(json("embeddings-response.openai.json"));
        assertThat(translated.usage()).isEqualTo(Usage.NONE);
    }

    @Test
    void base64EncodingIsLittleEndianFloat32LikeOpenAis() {
        EmbeddingRequest request =
                request("{\"model\":\"embed\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}");

        JsonNode data = json(translator
                        .response(GeminiFixtures.bytes("embeddings-response.gemini.json"), request)
                        .json())
                .path("data");

        ByteBuffer first = ByteBuffer.wrap(
                        Base64.getDecoder().decode(data.get(0).path("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(first.remaining()).isEqualTo(4 * Float.BYTES);
        assertThat(first.getFloat()).isEqualTo(0.0123f);
        assertThat(first.getFloat()).isEqualTo(-0.0456f);
    }

    @Test
    void aCountThatDoesNotMatchTheInputsIsA502() {
        EmbeddingRequest request = request("{\"model\":\"embed\",\"input\":[\"a\",\"b\",\"c\"]}");

        ApiError error = catchThrowableOfType(
                        ApiException.class,
                        () -> translator.response(GeminiFixtures.bytes("embeddings-response.gemini.json"), request))
                .error();

        assertThat(error.status()).isEqualTo(502);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[464, 2068, 7586]", "[[464, 2068], [7586]]"})
    void tokenIdsAreA400(String input) {
        EmbeddingRequest request = request("{\"model\":\"embed\",\"input\":" + input + "}");

        ApiError error = catchThrowableOfType(
                        ApiException.class, () -> translator.requestBody(request, "gemini-embedding-001"))
                .error();

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("input");
    }
}
