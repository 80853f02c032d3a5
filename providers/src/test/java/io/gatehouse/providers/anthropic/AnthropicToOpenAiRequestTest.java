package io.gatehouse.providers.anthropic;

import static io.gatehouse.providers.anthropic.AnthropicFixtures.quoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicToOpenAiRequestTest {
    private static final String BASE = "'model':'smart','max_tokens':100,'messages':[{'role':'user','content':'hi'}]";

    @Test
    void translatesAToolConversationWithImagesIntoTheCanonicalRequest() {
        ChatRequest request = AnthropicToOpenAiRequest.parse(AnthropicFixtures.bytes("inbound-request-tools.json"));

        assertThat((JsonNode) request.body()).isEqualTo(AnthropicFixtures.json("inbound-request-tools.openai.json"));
        assertThat(request.model()).isEqualTo("smart");
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isFalse();
        assertThat(request.maxTokens()).isEqualTo(1024);
    }

    @Test
    void theCanonicalRequestIsValidForChatCompletions() {
        ChatRequest request = AnthropicToOpenAiRequest.parse(AnthropicFixtures.bytes("inbound-request-tools.json"));

        ChatRequest reparsed = ChatRequest.parse(JsonSupport.write(request.body()));

        // Equal but for the bytes a parsed request keeps as sent.
        assertThat(reparsed).usingRecursiveComparison().ignoringFields("sent").isEqualTo(request);
        assertThat(reparsed.body()).isEqualTo(request.body());
    }

    @Test
    void routedToAnthropicTheRequestKeepsItsMeaning() {
        ChatRequest request = AnthropicToOpenAiRequest.parse(AnthropicFixtures.bytes("inbound-request-tools.json"));

        JsonNode upstream = OpenAiToAnthropic.translate(request, "smart");

        JsonNode original = AnthropicFixtures.json("inbound-request-tools.json");
        assertThat(upstream.get("messages")).hasSize(original.get("messages").size());
        assertThat(upstream.at("/messages/1/content/1/input")).isEqualTo(original.at("/messages/1/content/1/input"));
        assertThat(upstream.at("/messages/2/content/0/tool_use_id"))
                .isEqualTo(original.at("/messages/2/content/0/tool_use_id"));
        assertThat(upstream.at("/messages/2/content/3/source")).isEqualTo(original.at("/messages/2/content/3/source"));
        assertThat(upstream.get("tool_choice")).isEqualTo(original.get("tool_choice"));
        assertThat(upstream.get("stop_sequences")).isEqualTo(original.get("stop_sequences"));
        assertThat(upstream.get("metadata")).isEqualTo(original.get("metadata"));
        assertThat(upstream.get("top_k")).isEqualTo(original.get("top_k"));
        assertThat(upstream.at("/system/0/text")).isEqualTo(original.at("/system/0/text"));
    }

    @Test
    void aPlainRequestStaysPlain() {
        ChatRequest request = AnthropicToOpenAiRequest.parse(quoted("{" + BASE + ",'system':'Be brief.'}"));

        assertThat((JsonNode) request.body())
                .isEqualTo(
                        AnthropicFixtures.object("{'model':'smart','messages':[{'role':'system','content':'Be brief.'},"
                                + "{'role':'user','content':'hi'}],'max_completion_tokens':100}"));
        assertThat(request.stream()).isFalse();
        assertThat(request.maxTokens()).isEqualTo(100);
    }

    @Test
    void aSystemTurnKeepsItsPlace() {
        ChatRequest request = AnthropicToOpenAiRequest.parse(quoted("{'model':'smart','max_tokens':5,'messages':["
                + "{'role':'user','content':'hi'},{'role':'system','content':[{'type':'text','text':'Now answer in"
                + " French.'}]},{'role':'user','content':'and now?'}]}"));

        assertThat(request.body().at("/messages/1"))
                .isEqualTo(AnthropicFixtures.object("{'role':'system','content':'Now answer in French.'}"));
    }

    @Test
    void disabledThinkingAndServiceTierAreAccepted() {
        ChatRequest request = AnthropicToOpenAiRequest.parse(
                quoted("{" + BASE + ",'thinking':{'type':'disabled'},'service_tier':'standard_only'}"));

        assertThat(request.body().has("thinking")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "'model':'smart','messages':[{'role':'user','content':'hi'}]                 | max_tokens",
                "'model':'smart','max_tokens':0,'messages':[{'role':'user','content':'hi'}]  | max_tokens",
                "'max_tokens':5,'messages':[{'role':'user','content':'hi'}]                  | model",
                "'model':'smart','max_tokens':5,'messages':[]                                | messages",
                "'model':'smart','max_tokens':5                                               | messages"
            })
    void missingOrInvalidRequiredFieldsAre400(String body, String param) {
        assertThat(rejected("{" + body + "}").param()).isEqualTo(param);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "'thinking':{'type':'enabled','budget_tokens':2048}                     | thinking",
                "'temperature':1.2                                                       | temperature",
                "'tools':[{'type':'web_search_20250305','name':'web_search'}]           | tools[0].type",
                "'tools':[{'name':'f'}]                                                  | tools[0].input_schema",
                "'tool_choice':{'type':'sometimes'}                                      | tool_choice.type",
                "'mcp_servers':[]                                                        | mcp_servers",
                "'stop_sequences':'END'                                                  | stop_sequences"
            })
    void whatTheCanonicalShapeCannotCarryIs400NamingIt(String field, String param) {
        ApiError error = rejected("{" + BASE + "," + field + "}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "{'role':'user','content':[{'type':'document','source':{'type':'base64','media_type':'application/pdf','data':'JVBERi0x'}}]} | messages[0].content[0].type",
                "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t1','content':[{'type':'image','source':{'type':'url','url':'https://example.org/a.png'}}]}]} | messages[0].content[0].content[0].type",
                "{'role':'assistant','content':[{'type':'thinking','thinking':'hmm','signature':'abc'}]} | messages[0].content[0].type",
                "{'role':'tool','content':'hi'} | messages[0].role",
                "{'role':'system','content':[{'type':'image','source':{'type':'url','url':'https://example.org/a.png'}}]} | messages[0].content[0].type",
                "{'role':'user','content':[{'type':'image','source':{'type':'file','file_id':'file_1'}}]} | messages[0].content[0].source.type",
                "{'role':'user'} | messages[0].content"
            })
    void blocksTheCanonicalShapeCannotCarryAre400NamingThem(String message, String param) {
        ApiError error = rejected("{'model':'smart','max_tokens':5,'messages':[" + message + "]}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
    }

    private static ApiError rejected(String json) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> AnthropicToOpenAiRequest.parse(quoted(json)));
        assertThat(e).as("expected a rejection of %s", json).isNotNull();
        return e.error();
    }
}
