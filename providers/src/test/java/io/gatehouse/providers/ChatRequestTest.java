package io.gatehouse.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatRequestTest {

    private static final String MESSAGES = "'messages':[{'role':'user','content':'hi'}]";

    @Test
    void parsesAMinimalRequest() {
        ChatRequest request = parse("{'model':'gpt-4o'," + MESSAGES + "}");

        assertThat(request.model()).isEqualTo("gpt-4o");
        assertThat(request.stream()).isFalse();
        assertThat(request.includeUsage()).isFalse();
        assertThat(request.maxTokens()).isNull();
        assertThat(request.body().get("messages").get(0).get("content").asText())
                .isEqualTo("hi");
    }

    @Test
    void parsesAStreamingRequestThatAsksForUsage() {
        ChatRequest request =
                parse("{'model':'m'," + MESSAGES + ",'stream':true,'stream_options':{'include_usage':true}}");

        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
    }

    @Test
    void aStreamWithoutStreamOptionsDoesNotAskForUsage() {
        ChatRequest request = parse("{'model':'m'," + MESSAGES + ",'stream':true}");

        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isFalse();
    }

    @Test
    void readsMaxTokens() {
        assertThat(parse("{'model':'m'," + MESSAGES + ",'max_tokens':42}").maxTokens())
                .isEqualTo(42);
    }

    @Test
    void maxCompletionTokensTakesPrecedenceOverMaxTokens() {
        ChatRequest request = parse("{'model':'m'," + MESSAGES + ",'max_tokens':42,'max_completion_tokens':7}");

        assertThat(request.maxTokens()).isEqualTo(7);
    }

    @Test
    void acceptsEveryRoleAndContentPartsAndNullContent() {
        ChatRequest request = parse("{'model':'m','messages':["
                + "{'role':'system','content':'be brief'},"
                + "{'role':'developer','content':'be kind'},"
                + "{'role':'user','content':[{'type':'text','text':'hi'}]},"
                + "{'role':'assistant','content':null,'tool_calls':[]},"
                + "{'role':'tool','content':'42','tool_call_id':'t1'}]}");

        assertThat(request.body().get("messages")).hasSize(5);
    }

    @Test
    void keepsParametersTheGatewayDoesNotInterpret() {
        ChatRequest request = parse("{'model':'m'," + MESSAGES + ",'temperature':0.5,'top_p':1,'seed':7,"
                + "'tools':[{'type':'function','function':{'name':'f'}}],'vendor_extension':{'a':[1,2]}}");

        assertThat(request.body().get("seed").asInt()).isEqualTo(7);
        assertThat(request.body().get("vendor_extension").toString()).isEqualTo("{\"a\":[1,2]}");
        assertThat(request.body().get("tools")).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            {'messages':[{'role':'user','content':'hi'}]}                              | model    | 'model' is required
            {'model':null,'messages':[{'role':'user','content':'hi'}]}                 | model    | 'model' is required
            {'model':'','messages':[{'role':'user','content':'hi'}]}                   | model    | non-empty string
            {'model':'   ','messages':[{'role':'user','content':'hi'}]}                | model    | non-empty string
            {'model':42,'messages':[{'role':'user','content':'hi'}]}                   | model    | non-empty string
            {'model':'m'}                                                              | messages | 'messages' is required
            {'model':'m','messages':[]}                                                | messages | non-empty array
            {'model':'m','messages':'hi'}                                              | messages | non-empty array
            {'model':'m','messages':['hi']}                                            | messages[0] | messages[0] must be an object
            {'model':'m','messages':[{'content':'hi'}]}                                | messages[0].role | messages[0].role must be one of
            {'model':'m','messages':[{'role':'user','content':'a'},{'role':'robot','content':'b'}]} | messages[1].role | messages[1].role must be one of
            {'model':'m','messages':[{'role':7,'content':'hi'}]}                       | messages[0].role | messages[0].role must be one of
            {'model':'m','messages':[{'role':'user','content':7}]}                     | messages[0].content | string or an array
            {'model':'m','messages':[{'role':'user','content':'hi'}],'stream':'true'}  | stream   | 'stream' must be a boolean
            {'model':'m','messages':[{'role':'user','content':'hi'}],'stream':1}      | stream   | 'stream' must be a boolean
            {'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,'stream_options':true} | stream_options | must be an object
            {'model':'m','messages':[{'role':'user','content':'hi'}],'stream_options':{'include_usage':true}} | stream_options | only allowed when 'stream' is true
            {'model':'m','messages':[{'role':'user','content':'hi'}],'stream':false,'stream_options':{}} | stream_options | only allowed when 'stream' is true
            {'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,'stream_options':{'include_usage':'yes'}} | stream_options.include_usage | must be a boolean
            {'model':'m','messages':[{'role':'user','content':'hi'}],'max_tokens':'10'} | max_tokens | positive integer
            {'model':'m','messages':[{'role':'user','content':'hi'}],'max_tokens':0}   | max_tokens | positive integer
            {'model':'m','messages':[{'role':'user','content':'hi'}],'max_tokens':-5}  | max_tokens | positive integer
            {'model':'m','messages':[{'role':'user','content':'hi'}],'max_tokens':1.5} | max_tokens | positive integer
            {'model':'m','messages':[{'role':'user','content':'hi'}],'max_tokens':3000000000} | max_tokens | positive integer
            {'model':'m','messages':[{'role':'user','content':'hi'}],'max_completion_tokens':[1]} | max_completion_tokens | positive integer
            {'model':'m','messages':[{'role':'user','content':'hi'}],'temperature':'hot'} | temperature | a number in 0.0..2.0
            {'model':'m','messages':[{'role':'user','content':'hi'}],'temperature':2.5} | temperature | a number in 0.0..2.0
            {'model':'m','messages':[{'role':'user','content':'hi'}],'temperature':-0.1} | temperature | a number in 0.0..2.0
            {'model':'m','messages':[{'role':'user','content':'hi'}],'top_p':1.5}      | top_p    | a number in 0.0..1.0
            {'model':'m','messages':[{'role':'user','content':'hi'}],'n':0}            | n        | positive integer
            {'model':'m','messages':[{'role':'user','content':'hi'}],'n':129}          | n        | 1..128
            """)
    void rejectsAnInvalidFieldWithA400NamingIt(String body, String param, String message) {
        ApiError error = parseError(body);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains(param).contains(message);
    }

    @Test
    void rejectsMalformedJson() {
        ApiError error = parseError("{'model':'m',");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).contains("not valid JSON").contains("line 1");
    }

    @Test
    void rejectsTrailingContentAfterTheObject() {
        ApiError error = parseError("{'model':'m'," + MESSAGES + "} {}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).contains("not valid JSON");
    }

    @Test
    void rejectsDuplicateKeys() {
        ApiError error = parseError("{'model':'cheap','model':'expensive'," + MESSAGES + "}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).contains("not valid JSON");
    }

    @Test
    void rejectsABodyThatIsNotAnObject() {
        for (String body : new String[] {"[]", "'text'", "42", "null", ""}) {
            ApiError error = parseError(body);

            assertThat(error.status()).as(body).isEqualTo(400);
            assertThat(error.message()).as(body).contains("must be a JSON object");
        }
    }

    @Test
    void rejectsExcessiveNestingWithA400() {
        String deep = "[".repeat(200) + "]".repeat(200);

        ApiError error = parseError("{'model':'m'," + MESSAGES + ",'metadata':" + deep + "}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).contains("not valid JSON");
    }

    @Test
    void rejectsAnOverlongNumberWithA400() {
        ApiError error = parseError("{'model':'m'," + MESSAGES + ",'max_tokens':" + "9".repeat(100) + "}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).contains("not valid JSON");
    }

    static ChatRequest parse(String json) {
        return ChatRequest.parse(utf8(json));
    }

    private static ApiError parseError(String json) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> ChatRequest.parse(utf8(json)));
        assertThat(e).as("an ApiException for %s", json).isNotNull();
        return e.error();
    }

    /** JSON written with single quotes for readability. */
    static byte[] utf8(String json) {
        return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }
}
