package io.gatehouse.providers.openai;

import static io.gatehouse.providers.openai.OpenAiTranslatorTest.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiStreamTranslatorTest {

    // Unusual spacing, key order and escapes: the chunks must reach the client exactly as sent.
    private static final String ROLE_CHUNK =
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}";
    private static final String CONTENT_CHUNK = "{ \"id\" : \"c1\", \"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\\u00e9llo 🦄\"},\"finish_reason\":null}],"
            + "\"usage\":null }";
    private static final String FINISH_CHUNK = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}";
    private static final String USAGE_CHUNK = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5,\"total_tokens\":14}}";

    private static final String STREAM = sse(ROLE_CHUNK)
            + ": keep-alive\n\n"
            + sse(CONTENT_CHUNK)
            + sse(FINISH_CHUNK)
            + sse(USAGE_CHUNK)
            + sse("[DONE]");

    private final OpenAiTranslator translator = new OpenAiTranslator(true);

    @Test
    void passesChunksThroughByteForByte() {
        StreamTranslator stream = translator.stream(streamRequest(true));

        List<byte[]> out = feed(stream, STREAM);

        assertThat(strings(out)).containsExactly(ROLE_CHUNK, CONTENT_CHUNK, FINISH_CHUNK, USAGE_CHUNK);
        assertThat(out.get(1)).isEqualTo(CONTENT_CHUNK.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dropsTheUsageChunkWhenTheClientDidNotAskForIt() {
        StreamTranslator stream = translator.stream(streamRequest(false));

        List<byte[]> out = feed(stream, STREAM);

        assertThat(strings(out)).containsExactly(ROLE_CHUNK, CONTENT_CHUNK, FINISH_CHUNK);
        assertThat(stream.usage()).isEqualTo(new Usage(9, 5));
    }

    @Test
    void keepsTheUsageChunkWhenTheClientAskedForIt() {
        StreamTranslator stream = translator.stream(streamRequest(true));

        List<byte[]> out = feed(stream, STREAM);

        assertThat(strings(out)).last().isEqualTo(USAGE_CHUNK);
        assertThat(stream.usage()).isEqualTo(new Usage(9, 5));
    }

    @Test
    void keepsAChunkThatCarriesBothChoicesAndUsage() {
        String combined = "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";
        StreamTranslator stream = translator.stream(streamRequest(false));

        List<byte[]> out = feed(stream, sse(combined) + sse("[DONE]"));

        assertThat(strings(out)).containsExactly(combined);
        assertThat(stream.usage()).isEqualTo(new Usage(3, 4));
    }

    @Test
    void doneMarksTheStreamFinished() {
        StreamTranslator stream = translator.stream(streamRequest(false));

        feed(stream, sse(ROLE_CHUNK) + sse(CONTENT_CHUNK));
        assertThat(stream.finished()).isFalse();

        List<byte[]> out = feed(stream, sse("[DONE]"));
        assertThat(out).isEmpty();
        assertThat(stream.finished()).isTrue();
    }

    @Test
    void aFinishReasonAlsoMarksTheStreamFinished() {
        StreamTranslator stream = translator.stream(streamRequest(false));

        feed(stream, sse(FINISH_CHUNK));

        assertThat(stream.finished()).isTrue();
    }

    @Test
    void ignoresEverythingAfterDone() {
        StreamTranslator stream = translator.stream(streamRequest(true));

        List<byte[]> out = feed(stream, sse("[DONE]") + sse(CONTENT_CHUNK) + sse("{\"error\":{\"message\":\"late\"}}"));

        assertThat(out).isEmpty();
    }

    @Test
    void beforeAnyUsageArrivesTheUsageIsZero() {
        StreamTranslator stream = translator.stream(streamRequest(false));

        feed(stream, sse(ROLE_CHUNK));

        assertThat(stream.usage()).isEqualTo(Usage.NONE);
    }

    @Test
    void anErrorChunkFailsTheStream() {
        StreamTranslator stream = translator.stream(streamRequest(false));
        String error = "{\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"code\":null,\"param\":null}}";

        ApiException e = catchThrowableOfType(ApiException.class, () -> feed(stream, sse(ROLE_CHUNK) + sse(error)));

        assertThat(e).isNotNull();
        assertThat(e.error().status()).isEqualTo(502);
        assertThat(e.error().code()).isEqualTo("upstream_failed");
        assertThat(e.error().message()).isEqualTo("The provider failed while streaming the answer (server_error).");
    }

    @Test
    void aNamedErrorEventFailsTheStream() {
        StreamTranslator stream = translator.stream(streamRequest(false));

        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> feed(stream, "event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n"));

        assertThat(e).isNotNull();
        assertThat(e.error().status()).isEqualTo(502);
        assertThat(e.error().message()).isEqualTo("The provider failed while streaming the answer.");
    }

    @Test
    void anErrorEventWithoutAnErrorMemberStillFailsTheStream() {
        StreamTranslator stream = translator.stream(streamRequest(false));

        ApiException e = catchThrowableOfType(
                ApiException.class,
                () -> feed(stream, "event: error\ndata: {\"type\":\"overloaded_error\",\"message\":\"busy\"}\n\n"));

        assertThat(e).isNotNull();
        assertThat(e.error().status()).isEqualTo(502);
        assertThat(e.error().message()).isEqualTo("The provider failed while streaming the answer (overloaded_error).");
    }

    @Test
    void aChunkThatIsNotJsonFailsTheStreamWithA502() {
        StreamTranslator stream = translator.stream(streamRequest(false));

        ApiException e = catchThrowableOfType(ApiException.class, () -> feed(stream, sse("not json")));

        assertThat(e).isNotNull();
        assertThat(e.error().status()).isEqualTo(502);
    }

    @Test
    void worksWhenTheInputArrivesInTinyPieces() {
        byte[] input = STREAM.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        for (int size = 1; size <= 7; size++) {
            StreamTranslator stream = translator.stream(streamRequest(false));
            List<byte[]> out = new ArrayList<>();
            for (int from = 0; from < input.length; from += size) {
                stream.feed(ByteBuffer.wrap(input, from, Math.min(size, input.length - from)), out);
            }

            assertThat(strings(out))
                    .as("pieces of %d bytes", size)
                    .containsExactly(ROLE_CHUNK, CONTENT_CHUNK, FINISH_CHUNK);
            assertThat(stream.usage()).isEqualTo(new Usage(9, 5));
            assertThat(stream.finished()).isTrue();
        }
    }

    private static ChatRequest streamRequest(boolean includeUsage) {
        return chat("{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true"
                + (includeUsage ? ",'stream_options':{'include_usage':true}" : "")
                + "}");
    }

    private static List<byte[]> feed(StreamTranslator stream, String input) {
        List<byte[]> out = new ArrayList<>();
        stream.feed(ByteBuffer.wrap(input.getBytes(StandardCharsets.UTF_8)), out);
        return out;
    }

    private static List<String> strings(List<byte[]> chunks) {
        return chunks.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private static String sse(String data) {
        return "data: " + data + "\n\n";
    }
}
