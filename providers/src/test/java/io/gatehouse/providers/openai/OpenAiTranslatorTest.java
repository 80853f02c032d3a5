package io.gatehouse.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator.Translated;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiTranslatorTest {

    private final OpenAiTranslator openAi = new OpenAiTranslator(true);
    private final OpenAiTranslator azure = new OpenAiTranslator(false);

    @Test
    void replacesTheModelWithTheUpstreamModel() {
        ChatRequest request = chat("{'model':'smart','messages':[{'role':'user','content':'hi'}]}");

        JsonNode body = read(openAi.requestBody(request, "gpt-4o-2024-08-06"));

        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-2024-08-06");
    }

    @Test
    void passesEveryOtherFieldThroughUnchanged() {
        ChatRequest request = chat("{'model':'smart','messages':[{'role':'system','content':'be brief'},"
                + "{'role':'user','content':[{'type':'text','text':'hi'}]}],"
                + "'temperature':0.25,'seed':7,'tools':[{'type':'function','function':{'name':'f','parameters':{}}}],"
                + "'response_format':{'type':'json_object'},'vendor_extension':{'nested':[1,'two',null]}}");

        JsonNode body = read(openAi.requestBody(request, "upstream"));

        ObjectNode expected = request.body().deepCopy();
        expected.put("model", "upstream");
        assertThat(body).isEqualTo(expected);
    }

    @Test
    void doesNotModifyTheClientRequest() {
        ChatRequest request = chat("{'model':'smart','messages':[{'role':'user','content':'hi'}],'stream':true,"
                + "'stream_options':{'include_usage':false}}");
        String before = request.body().toString();

        openAi.requestBody(request, "upstream");
        azure.requestBody(request, "upstream");

        assertThat(request.body().toString()).isEqualTo(before);
    }

    @Test
    void asksForTheUsageChunkOnEveryStream() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true}");

        JsonNode body = read(openAi.requestBody(request, "upstream"));

        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(body.get("stream").asBoolean()).isTrue();
    }

    @Test
    void forcesUsageOnEvenWhenTheClientTurnedItOffAndKeepsOtherStreamOptions() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,"
                + "'stream_options':{'include_usage':false,'include_obfuscation':false}}");

        JsonNode body = read(openAi.requestBody(request, "upstream"));

        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_obfuscation").isBoolean()).isTrue();
        assertThat(body.at("/stream_options/include_obfuscation").asBoolean()).isFalse();
    }

    @Test
    void forcesUsageOnWhenStreamOptionsIsNull() {
        ChatRequest request =
                chat("{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,'stream_options':null}");

        JsonNode body = read(openAi.requestBody(request, "upstream"));

        assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void doesNotAddStreamOptionsToANonStreamingRequest() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]}");

        JsonNode body = read(openAi.requestBody(request, "upstream"));

        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void azureModeRemovesTheModelFromChatAndEmbeddingBodies() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true}");
        EmbeddingRequest embeddings = EmbeddingRequest.parse(utf8("{'model':'m','input':'hi'}"));

        JsonNode chatBody = read(azure.requestBody(request, "my-deployment"));
        JsonNode embeddingBody = read(azure.requestBody(embeddings, "my-deployment"));

        assertThat(chatBody.has("model")).isFalse();
        assertThat(chatBody.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(embeddingBody.has("model")).isFalse();
        assertThat(embeddingBody.get("input").asText()).isEqualTo("hi");
    }

    @Test
    void replacesTheModelOfAnEmbeddingRequestAndKeepsTheRest() {
        EmbeddingRequest request =
                EmbeddingRequest.parse(utf8("{'model':'m','input':['a','b'],'dimensions':64,'user':'u1'}"));

        JsonNode body = read(openAi.requestBody(request, "text-embedding-3-large"));

        assertThat(body.get("model").asText()).isEqualTo("text-embedding-3-large");
        assertThat(body.get("input")).hasSize(2);
        assertThat(body.get("dimensions").asInt()).isEqualTo(64);
        assertThat(body.get("user").asText()).isEqualTo("u1");
    }

    @Test
    void relaysTheClientsOwnBytesWithOnlyTheModelReplaced() {
        String sent = "{ \"model\": \"smart\",\n  \"messages\": [{\"role\": \"user\", \"content\": \"caf\\u00e9\"}],"
                + " \"temperature\": 2E-1 }";

        byte[] body = openAi.requestBody(ChatRequest.parse(sent.getBytes(StandardCharsets.UTF_8)), "gpt-4o");

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(sent.replace("\"smart\"", "\"gpt-4o\""));
    }

    @Test
    void aStreamThatNamesNoStreamOptionsIsRelayedAsSentAskingForUsage() {
        String sent = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";

        byte[] body = openAi.requestBody(ChatRequest.parse(sent.getBytes(StandardCharsets.UTF_8)), "u");

        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo("{\"model\":\"u\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}");
    }

    /** Every request, relayed as sent or written anew, reaches the upstream meaning the same. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{'model':'m','messages':[{'role':'user','content':'hi'}]}",
                "{'messages':[{'role':'user','content':'hi'}],'temperature':0.5,'model':'m'}",
                "{'messages':[{'role':'user','content':'hi'}],'model':'m','stream':true}",
                "{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,"
                        + "'stream_options':{'include_usage':true}}",
                "{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,"
                        + "'stream_options':{'include_usage':false}}",
                "{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,'stream_options':null}",
            })
    void aBodyRelayedAsSentMeansWhatItWouldWrittenAnew(String json) {
        ChatRequest asSent = chat(json);
        assertThat(asSent.sent()).isNotNull();
        ChatRequest parsedOnly = new ChatRequest(
                asSent.body(), asSent.model(), asSent.stream(), asSent.includeUsage(), asSent.maxTokens(), null);

        for (OpenAiTranslator translator : new OpenAiTranslator[] {openAi, azure}) {
            assertThat(read(translator.requestBody(asSent, "upstream")))
                    .isEqualTo(read(translator.requestBody(parsedOnly, "upstream")));
        }
    }

    @Test
    void anEmbeddingRequestIsRelayedAsSentWithTheModelReplaced() {
        String sent = "{\"input\": [\"a\", \"b\"], \"model\": \"embed\"}";

        byte[] body =
                openAi.requestBody(EmbeddingRequest.parse(sent.getBytes(StandardCharsets.UTF_8)), "text-embedding-3");

        assertThat(new String(body, StandardCharsets.UTF_8))
                .isEqualTo(sent.replace("\"embed\"", "\"text-embedding-3\""));
    }

    @Test
    void readsUsageFromAChatResponseAndReturnsTheBodyUnchanged() {
        byte[] upstream = utf8("{'id':'chatcmpl-1','object':'chat.completion','choices':[],"
                + "'usage':{'prompt_tokens':12,'completion_tokens':34,'total_tokens':46}}");
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]}");

        Translated translated = openAi.response(upstream, request);

        assertThat(translated.usage()).isEqualTo(new Usage(12, 34));
        assertThat(translated.json()).isEqualTo(upstream);
    }

    @Test
    void readsUsageFromAnEmbeddingResponse() {
        byte[] upstream = utf8("{'object':'list','data':[],'usage':{'prompt_tokens':8,'total_tokens':8}}");
        EmbeddingRequest request = EmbeddingRequest.parse(utf8("{'model':'m','input':'hi'}"));

        Translated translated = openAi.response(upstream, request);

        assertThat(translated.usage()).isEqualTo(new Usage(8, 0));
        assertThat(translated.json()).isEqualTo(upstream);
    }

    @Test
    void usageIsFoundWhereverItIsAndNestedFieldsOfTheSameNameAreIgnored() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]}");
        byte[] upstream = utf8("{'usage':{'prompt_tokens':3,'completion_tokens':4},'choices':[{'index':0,"
                + "'message':{'role':'assistant','content':'{\\'usage\\':1}','usage':{'prompt_tokens':99}}}],"
                + "'system_fingerprint':null}");

        assertThat(openAi.response(upstream, request).usage()).isEqualTo(new Usage(3, 4));
    }

    @Test
    void aResponseWithoutUsageCountsNothing() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]}");

        assertThat(openAi.response(utf8("{'choices':[]}"), request).usage()).isEqualTo(Usage.NONE);
        assertThat(openAi.response(utf8("{'choices':[],'usage':null}"), request).usage())
                .isEqualTo(Usage.NONE);
    }

    @Test
    void aResponseWithDuplicateNamesIsRelayedAsTheProviderSentIt() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]}");
        byte[] upstream = utf8("{'id':'a','id':'b','usage':{'prompt_tokens':3,'completion_tokens':4}}");

        Translated translated = openAi.response(upstream, request);

        assertThat(translated.json()).isEqualTo(upstream);
        assertThat(translated.usage()).isEqualTo(new Usage(3, 4));
    }

    @Test
    void aResponseThatIsNotAJsonObjectIsA502() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]}");

        for (String body : new String[] {
            "<html>Bad gateway</html>",
            "[]",
            "",
            "{\"choices\":[{\"message\":{}}],\"usage\":{\"prompt_tokens\":1}", // cut short
            "{\"choices\":[]} {\"more\":1}" // two documents
        }) {
            ApiException e = catchThrowableOfType(
                    ApiException.class, () -> openAi.response(body.getBytes(StandardCharsets.UTF_8), request));

            assertThat(e).as(body).isNotNull();
            assertThat(e.error().status()).isEqualTo(502);
        }
    }

    static ChatRequest chat(String json) {
        return ChatRequest.parse(utf8(json));
    }

    static JsonNode read(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** JSON written with single quotes for readability. */
    static byte[] utf8(String json) {
        return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }
}
