package io.gatehouse.providers.bedrock;

import static io.gatehouse.providers.bedrock.BedrockFixtures.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiToBedrockTest {

    @ParameterizedTest
    @ValueSource(strings = {"basic", "tools", "image", "tool-choice-function", "tool-choice-none"})
    void translatesTheRequestIntoConverse(String fixture) {
        ChatRequest request = BedrockFixtures.request("requests/" + fixture + ".openai.json");

        byte[] converse = OpenAiToBedrock.translate(request);

        assertThat(BedrockFixtures.read(converse))
                .isEqualTo(BedrockFixtures.json("requests/" + fixture + ".converse.json"));
    }

    @Test
    void doesNotModifyTheClientRequest() {
        ChatRequest request = BedrockFixtures.request("requests/tools.openai.json");
        String before = request.body().toString();

        OpenAiToBedrock.translate(request);

        assertThat(request.body().toString()).isEqualTo(before);
    }

    @Test
    void leavesOutEmptyTextAndMergesMessagesOfOneRole() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'a'},"
                + "{'role':'assistant','content':''},{'role':'user','content':[{'type':'text','text':'b'}]}]}");

        assertThat(BedrockFixtures.read(OpenAiToBedrock.translate(request)))
                .isEqualTo(BedrockFixtures.read(
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\"},{\"text\":\"b\"}]}]}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            n above 1                | 'n':2                                                         | n                  | n: 2 (expected: 1
            json_schema output       | 'response_format':{'type':'json_schema','json_schema':{'name':'x','schema':{}}} | response_format | response_format: json_schema is not supported
            json_object output       | 'response_format':{'type':'json_object'}                      | response_format    | response_format: json_object is not supported
            seed                     | 'seed':42                                                     | seed               | 'seed' is not supported by Bedrock deployments
            logprobs                 | 'logprobs':true                                               | logprobs           | 'logprobs' is not supported
            penalties                | 'frequency_penalty':0.5                                       | frequency_penalty  | 'frequency_penalty' is not supported
            reasoning effort         | 'reasoning_effort':'high'                                     | reasoning_effort   | 'reasoning_effort' is not supported
            serial tool calls        | 'parallel_tool_calls':false                                   | parallel_tool_calls | parallel_tool_calls: false (expected: true
            strict tools             | 'tools':[{'type':'function','function':{'name':'f','strict':true}}] | tools[0].function.strict | strict: true is not supported
            non-function tools       | 'tools':[{'type':'custom','custom':{'name':'f'}}]            | tools[0].type      | 'custom' is not supported
            bad tool_choice          | 'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'sometimes' | tool_choice | tool_choice: 'sometimes' (expected: none, auto, required or a function)
            stop of numbers          | 'stop':[1]                                                    | stop               | stop[0]: 1 (expected: a string)
            """)
    void rejectsWhatConverseCannotHonourNamingTheParameter(String name, String extra, String param, String message) {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]," + extra + "}");

        ApiError error = reject(request);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains(message);
    }

    @Test
    void rejectsHttpImageUrlsSinceConverseNeedsTheBytes() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url',"
                + "'image_url':{'url':'https://example.com/cat.png'}}]}]}");

        ApiError error = reject(request);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages[0].content[0].image_url.url");
        assertThat(error.message()).contains("Converse needs the image bytes").contains("data:image/png;base64");
    }

    @Test
    void rejectsImageTypesConverseDoesNotRead() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url',"
                + "'image_url':{'url':'data:image/bmp;base64,Qk0='}}]}]}");

        assertThat(reject(request).message()).contains("'image/bmp;base64'").contains("image/webp");
    }

    @Test
    void rejectsImageDataThatIsNotBase64() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url',"
                + "'image_url':{'url':'data:image/png;base64,not base64!'}}]}]}");

        assertThat(reject(request).message()).contains("not valid base64");
    }

    @Test
    void rejectsAudioParts() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':[{'type':'input_audio',"
                + "'input_audio':{'data':'AAAA','format':'wav'}}]}]}");

        ApiError error = reject(request);

        assertThat(error.param()).isEqualTo("messages[0].content[0].type");
        assertThat(error.message()).contains("'input_audio' is not supported");
    }

    @Test
    void rejectsToolChoiceNoneWhenTheConversationHoldsToolCalls() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'},"
                + "{'role':'assistant','tool_calls':[{'id':'t1','type':'function','function':{'name':'f','arguments':'{}'}}]},"
                + "{'role':'tool','tool_call_id':'t1','content':'ok'}],"
                + "'tools':[{'type':'function','function':{'name':'f'}}],'tool_choice':'none'}");

        ApiError error = reject(request);

        assertThat(error.param()).isEqualTo("tool_choice");
        assertThat(error.message()).contains("use 'auto'");
    }

    @Test
    void rejectsToolCallArgumentsThatAreNotAJsonObject() {
        ChatRequest request = chat(
                "{'model':'m','messages':[{'role':'user','content':'hi'},"
                        + "{'role':'assistant','tool_calls':[{'id':'t1','type':'function','function':{'name':'f','arguments':'[1]'}}]}]}");

        assertThat(reject(request).param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
    }

    @Test
    void rejectsTheDeprecatedFunctionRole() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'function','name':'f','content':'x'}]}");

        assertThat(reject(request).param()).isEqualTo("messages[0].role");
    }

    @Test
    void rejectsParticipantNamesSinceTheModelWouldNeverSeeThem() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','name':'alice','content':'hi'}]}");

        ApiError error = reject(request);

        assertThat(error.param()).isEqualTo("messages[0].name");
        assertThat(error.message()).contains("participant names are not sent to the model");
    }

    @Test
    void acceptsAnAssistantMessageAsTheGatewayReturnedIt() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'},"
                + "{'role':'assistant','content':'Hello!','refusal':null,'annotations':[],'audio':null},"
                + "{'role':'tool','tool_call_id':'t1','name':'f','content':'x'}]}");

        assertThat(BedrockFixtures.read(OpenAiToBedrock.translate(request))
                        .at("/messages/1/content/0/text")
                        .asText())
                .isEqualTo("Hello!");
    }

    @Test
    void rejectsASystemPromptAlone() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'system','content':'be brief'}]}");

        assertThat(reject(request).param()).isEqualTo("messages");
    }

    @Test
    void acceptsExplicitDefaultsOfParametersItCannotVary() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}],'n':1,"
                + "'presence_penalty':0,'frequency_penalty':0.0,'logprobs':false,'logit_bias':{},"
                + "'parallel_tool_calls':true,'response_format':{'type':'text'},'modalities':['text'],"
                + "'user':'u-1','store':false,'seed':null}");

        assertThat(BedrockFixtures.read(OpenAiToBedrock.translate(request)).fieldNames())
                .toIterable()
                .containsExactly("messages");
    }

    private static ApiError reject(ChatRequest request) {
        return catchThrowableOfType(ApiException.class, () -> OpenAiToBedrock.translate(request))
                .error();
    }
}
