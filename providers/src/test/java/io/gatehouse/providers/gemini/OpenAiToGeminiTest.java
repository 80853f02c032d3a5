package io.gatehouse.providers.gemini;

import static io.gatehouse.providers.gemini.GeminiFixtures.chat;
import static io.gatehouse.providers.gemini.GeminiFixtures.json;
import static io.gatehouse.providers.gemini.GeminiFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiToGeminiTest {
    private final GeminiTranslator translator = GeminiFixtures.translator();

    private JsonNode translate(ChatRequest request) {
        return json(translator.requestBody(request, "gemini-2.5-flash"));
    }

    private JsonNode translateFixture(String name) {
        return translate(ChatRequest.parse(GeminiFixtures.bytes(name + ".openai.json")));
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheSystemInstructionAndSettingsTheGenerationConfig() {
        assertThat(translateFixture("request-basic")).isEqualTo(json("request-basic.gemini.json"));
    }

    @Test
    void toolsChoiceCallsAndResultsBecomeDeclarationsConfigAndFunctionParts() {
        assertThat(translateFixture("request-tools")).isEqualTo(json("request-tools.gemini.json"));
    }

    @Test
    void imagesAudioAndFilesBecomeInlineDataAndAJsonSchemaTheResponseSchema() {
        assertThat(translateFixture("request-multimodal")).isEqualTo(json("request-multimodal.gemini.json"));
    }

    @ParameterizedTest
    @CsvSource({"'\"auto\"', AUTO", "'\"none\"', NONE", "'\"required\"', ANY"})
    void toolChoiceModes(String choice, String mode) {
        JsonNode body = translate(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + choice
                + "}"));

        assertThat(body.path("toolConfig")).isEqualTo(parse("{\"functionCallingConfig\":{\"mode\":\"" + mode + "\"}}"));
        assertThat(body.path("tools").get(0).path("functionDeclarations").get(0))
                .isEqualTo(parse("{\"name\":\"f\"}"));
    }

    @Test
    void jsonObjectAsksForJsonWithoutASchema() {
        JsonNode body = translate(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_object\"},\"stop\":\"END\",\"max_tokens\":10}"));

        assertThat(body.path("generationConfig"))
                .isEqualTo(
                        parse(
                                "{\"maxOutputTokens\":10,\"stopSequences\":[\"END\"],\"responseMimeType\":\"application/json\"}"));
    }

    @Test
    void aSimpleRequestHasNoOptionalSections() {
        JsonNode body = translate(chat("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":\"text\"}}"));

        assertThat(body).isEqualTo(parse("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"));
    }

    @Test
    void theThoughtSignatureOfAToolCallIdGoesBackOnItsFunctionCall() {
        String id = ToolCallIds.create(Ids.counting(), "CiQBcsjafE2Y7Qu3oVSq9A==");

        assertThat(id).isEqualTo("call_id1_ts_CiQBcsjafE2Y7Qu3oVSq9A").matches("[A-Za-z0-9_-]+");
        assertThat(ToolCallIds.thoughtSignature(id)).isEqualTo("CiQBcsjafE2Y7Qu3oVSq9A==");
        assertThat(ToolCallIds.thoughtSignature("call_Rf6tGh9jKl2mNb4vCx8zAs3q"))
                .isNull();
        assertThat(ToolCallIds.thoughtSignature("toolu_01A09q90qw90lq917835lq9"))
                .isNull();
        assertThat(ToolCallIds.create(Ids.counting(), null)).isEqualTo("call_id1");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // a plain URL: the gateway does not download images for Gemini
                "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}"
                        + "|messages[0].content[0].image_url.url|base64 data URL",
                "{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}]}"
                        + "|messages[0].content[0].file|file_data",
                "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"flac\"}}]}"
                        + "|messages[0].content[0].input_audio.format|expected: wav or mp3",
                "{\"role\":\"tool\",\"tool_call_id\":\"call_unknown\",\"content\":\"42\"}"
                        + "|messages[0].tool_call_id|expected: the id of a tool call",
                "{\"role\":\"function\",\"name\":\"f\",\"content\":\"42\"}|messages[0].role|use tools",
                "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"[1,2]\"}}]}"
                        + "|messages[0].tool_calls[0].function.arguments|JSON object",
                "{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AA==\"}}]}"
                        + "|messages[0].content[0].type|only user messages",
                "{\"role\":\"system\",\"content\":\"Only a system prompt\"}|messages|at least one user",
            })
    void messagesGeminiCannotTakeAreA400NamingThePart(String message, String param, String explanation) {
        ApiError error = rejected("{\"model\":\"m\",\"messages\":[" + message + "]}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains(explanation);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"logit_bias\":{\"50256\":-100}|logit_bias",
                "\"reasoning_effort\":\"high\"|reasoning_effort",
                "\"functions\":[{\"name\":\"f\"}]|functions",
                "\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}|audio",
                "\"modalities\":[\"text\",\"audio\"]|modalities",
                "\"parallel_tool_calls\":false|parallel_tool_calls",
                "\"logprobs\":true|logprobs",
                "\"top_logprobs\":2|top_logprobs",
                "\"store\":true|store",
                "\"seed\":12345678901|seed",
                "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]|stop",
                "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}|response_format.json_schema.schema",
                "\"tool_choice\":\"auto\"|tool_choice",
                "\"tools\":[{\"type\":\"web_search\"}]|tools[0].type",
            })
    void parametersGeminiCannotHonourAreA400NamingThem(String parameter, String param) {
        ApiError error =
                rejected("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + parameter + "}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains(param.replaceAll("\\[.*", "").replaceAll("\\..*", ""));
    }

    @Test
    void parametersThatOnlyHintAreAcceptedAndNotSent() {
        JsonNode body = translate(chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"user\":\"u-1\",\"safety_identifier\":\"s-1\",\"prompt_cache_key\":\"k\",\"store\":false,"
                + "\"logprobs\":false,\"parallel_tool_calls\":true,\"modalities\":[\"text\"],\"temperature\":null,"
                + "\"tool_choice\":\"none\"}"));

        assertThat(body).isEqualTo(parse("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"));
    }

    private ApiError rejected(String json) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> translate(chat(json)));
        assertThat(e).as("expected a 400 for %s", json).isNotNull();
        return e.error();
    }
}
