package io.gatehouse.providers.anthropic;

import static io.gatehouse.providers.anthropic.AnthropicFixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiToAnthropicTest {
    private static final String HI = "'messages':[{'role':'user','content':'hi'}]";

    @Test
    void translatesAMultiTurnToolConversationWithImages() {
        ChatRequest request = ChatRequest.parse(AnthropicFixtures.bytes("openai-request-tools.json"));

        JsonNode body = OpenAiToAnthropic.translate(request, "claude-sonnet-4-5-20250929");

        assertThat(body).isEqualTo(AnthropicFixtures.json("anthropic-request-tools.json"));
    }

    @Test
    void theTranslatorWritesTheSameBody() {
        ChatRequest request = ChatRequest.parse(AnthropicFixtures.bytes("openai-request-tools.json"));

        byte[] body = new AnthropicTranslator().requestBody(request, "claude-sonnet-4-5-20250929");

        assertThat(AnthropicFixtures.read(body)).isEqualTo(AnthropicFixtures.json("anthropic-request-tools.json"));
    }

    @Test
    void doesNotModifyTheClientRequest() {
        ChatRequest request = ChatRequest.parse(AnthropicFixtures.bytes("openai-request-tools.json"));
        String before = request.body().toString();

        OpenAiToAnthropic.translate(request, "claude");

        assertThat(request.body().toString()).isEqualTo(before);
    }

    @Test
    void defaultsMaxTokensWhichAnthropicRequires() {
        JsonNode body = OpenAiToAnthropic.translate(chat("{'model':'m'," + HI + "}"), "claude");

        assertThat(body.get("max_tokens").asInt()).isEqualTo(OpenAiToAnthropic.DEFAULT_MAX_TOKENS);
        assertThat(body.has("system")).isFalse();
        assertThat(body.has("stream")).isFalse();
        assertThat(body.get("messages"))
                .isEqualTo(AnthropicFixtures.read(
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]"));
    }

    @Test
    void takesTheLegacyMaxTokens() {
        JsonNode body = OpenAiToAnthropic.translate(chat("{'model':'m','max_tokens':77," + HI + "}"), "claude");

        assertThat(body.get("max_tokens").asInt()).isEqualTo(77);
    }

    @Test
    void aSingleStopStringBecomesOneStopSequence() {
        JsonNode body = OpenAiToAnthropic.translate(chat("{'model':'m','stop':'END'," + HI + "}"), "claude");

        assertThat(body.get("stop_sequences")).isEqualTo(AnthropicFixtures.read("[\"END\"]"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "'none'                                          | {'type':'none'}",
                "'auto'                                          | {'type':'auto'}",
                "'required'                                      | {'type':'any'}",
                "{'type':'function','function':{'name':'get_weather'}} | {'type':'tool','name':'get_weather'}"
            })
    void mapsToolChoice(String openAi, String anthropic) {
        ChatRequest request = chat("{'model':'m'," + HI + ",'tools':[{'type':'function','function':{'name':"
                + "'get_weather','parameters':{'type':'object'}}}],'tool_choice':" + openAi + "}");

        JsonNode body = OpenAiToAnthropic.translate(request, "claude");

        assertThat(body.get("tool_choice")).isEqualTo(AnthropicFixtures.object(anthropic));
    }

    @Test
    void aToolWithoutParametersGetsAnEmptyObjectSchemaAndStrictIsPassedOn() {
        ChatRequest request =
                chat("{'model':'m'," + HI + ",'tools':[{'type':'function','function':{'name':'now','strict':true}}]}");

        JsonNode tool =
                OpenAiToAnthropic.translate(request, "claude").get("tools").get(0);

        assertThat(tool)
                .isEqualTo(AnthropicFixtures.object(
                        "{'name':'now','input_schema':{'type':'object','properties':{}},'strict':true}"));
    }

    @Test
    void consecutiveUserMessagesFormOneTurn() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'one'},"
                + "{'role':'user','content':'two'},{'role':'assistant','content':'ok'}]}");

        JsonNode messages = OpenAiToAnthropic.translate(request, "claude").get("messages");

        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).get("content")).hasSize(2);
        assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
    }

    @Test
    void neutralValuesOfUnsupportedParametersAreAccepted() {
        ChatRequest request = chat("{'model':'m'," + HI + ",'logprobs':false,'presence_penalty':0,"
                + "'frequency_penalty':0.0,'logit_bias':{},'n':1,'response_format':{'type':'text'},"
                + "'modalities':['text'],'metadata':{'app':'billing'},'service_tier':'auto'}");

        JsonNode body = OpenAiToAnthropic.translate(request, "claude");

        assertThat(body.has("metadata")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "'n':2                                                            | n",
                "'temperature':1.5                                                | temperature",
                "'response_format':{'type':'json_schema','json_schema':{'name':'x','schema':{}}} | response_format",
                "'response_format':{'type':'json_object'}                         | response_format",
                "'logprobs':true                                                  | logprobs",
                "'presence_penalty':0.5                                           | presence_penalty",
                "'seed':42                                                        | seed",
                "'reasoning_effort':'high'                                        | reasoning_effort",
                "'modalities':['text','audio']                                    | modalities",
                "'tools':[{'type':'custom','custom':{'name':'x'}}]                | tools[0].type"
            })
    void parametersAnthropicCannotHonourAre400NamingThem(String field, String param) {
        ApiError error = rejected(chat("{'model':'m'," + HI + "," + field + "}"));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains(param.replaceAll("\\[.*", ""));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "{'type':'input_audio','input_audio':{'data':'AAAA','format':'wav'}} | messages[0].content[0].type",
                "{'type':'image_url','image_url':{'url':'data:image/tiff;base64,AAAA'}} | messages[0].content[0].image_url.url",
                "{'type':'image_url','image_url':{'url':'data:image/png,rawbytes'}}     | messages[0].content[0].image_url.url",
                "{'type':'image_url','image_url':{'url':'ftp://example.org/a.png'}}     | messages[0].content[0].image_url.url"
            })
    void contentAnthropicCannotTakeIs400NamingThePart(String part, String param) {
        ApiError error = rejected(chat("{'model':'m','messages':[{'role':'user','content':[" + part + "]}]}"));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectAre400() {
        ApiError error = rejected(chat("{'model':'m','messages':[{'role':'user','content':'hi'},{'role':'assistant',"
                + "'tool_calls':[{'id':'t1','type':'function','function':{'name':'f','arguments':'not json'}}]},"
                + "{'role':'tool','tool_call_id':'t1','content':'x'}]}"));

        assertThat(error.param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
    }

    @Test
    void anImageInASystemMessageIs400() {
        ApiError error = rejected(chat("{'model':'m','messages':[{'role':'system','content':[{'type':'image_url',"
                + "'image_url':{'url':'https://example.org/a.png'}}]},{'role':'user','content':'hi'}]}"));

        assertThat(error.param()).isEqualTo("messages[0].content[0].type");
    }

    private static ApiError rejected(ChatRequest request) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> OpenAiToAnthropic.translate(request, "claude"));
        assertThat(e).as("expected a rejection").isNotNull();
        return e.error();
    }
}
