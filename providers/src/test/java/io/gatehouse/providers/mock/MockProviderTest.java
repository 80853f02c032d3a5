package io.gatehouse.providers.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Call;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.ResponseListener;
import io.gatehouse.providers.StreamListener;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.tokens.TokenCounter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockProviderTest {

    private static final TokenCounter TOKENS = TokenCounter.o200k();
    private static final int STREAM_CHUNKS = 4;
    private static final String LONG_PROMPT = "Please summarise the plot of a long novel about a lighthouse keeper.";

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final MockProvider mock = provider(new MockSettings(Duration.ZERO, STREAM_CHUNKS, Duration.ZERO, 32));

    @AfterEach
    void stopScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    // --- chat -------------------------------------------------------------------------------

    @Test
    void answersByRepeatingTheLastUserMessage() {
        JsonNode response = chat(request("'messages':[{'role':'user','content':'first'},"
                + "{'role':'assistant','content':'ok'},{'role':'user','content':'What is 2+2?'}]"));

        assertThat(content(response)).isEqualTo("You said: What is 2+2?");
        assertThat(response.get("object").asText()).isEqualTo("chat.completion");
        assertThat(response.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(response.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void readsTheTextPartsOfArrayContent() {
        JsonNode response = chat(
                request(
                        "'messages':[{'role':'user','content':[{'type':'text','text':'a'},"
                                + "{'type':'image_url','image_url':{'url':'https://example.com/x.png'}},{'type':'text','text':'b'}]}]"));

        assertThat(content(response)).isEqualTo("You said: ab");
    }

    @Test
    void greetsWhenThereIsNoUserMessage() {
        JsonNode response = chat(request("'messages':[{'role':'system','content':'be brief'}]"));

        assertThat(content(response)).isEqualTo("Hello from the mock model.");
    }

    @Test
    void givesTheSameAnswerToTheSamePrompt() {
        ChatRequest request = request(userMessage(LONG_PROMPT));

        JsonNode first = chat(request);
        JsonNode second = chat(request(userMessage(LONG_PROMPT)));

        assertThat(content(second)).isEqualTo(content(first));
        assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
    }

    @Test
    void givesDifferentAnswersToDifferentPrompts() {
        JsonNode a = chat(request(userMessage("apples")));
        JsonNode b = chat(request(userMessage("oranges")));

        assertThat(content(a)).isNotEqualTo(content(b));
        assertThat(a.get("id").asText()).isNotEqualTo(b.get("id").asText());
    }

    @Test
    void namesTheUpstreamModel() {
        assertThat(chat(request(userMessage("hi"))).get("model").asText()).isEqualTo("mock-1");
    }

    @Test
    void countsUsageWithTheTokenizer() {
        ChatRequest request = request(
                "'messages':[{'role':'system','content':'You are terse.'}," + userMessageObject(LONG_PROMPT) + "]");
        ChatResult result = chatResult(request);
        String answer = content(result.json);

        Usage expected = new Usage(TOKENS.countPrompt(request), TOKENS.count(answer));
        assertThat(result.usage).isEqualTo(expected);
        assertThat(result.json.at("/usage/prompt_tokens").asLong()).isEqualTo(expected.promptTokens());
        assertThat(result.json.at("/usage/completion_tokens").asLong()).isEqualTo(expected.completionTokens());
        assertThat(result.json.at("/usage/total_tokens").asLong()).isEqualTo(expected.totalTokens());
    }

    @Test
    void maxTokensTruncatesTheAnswerWithFinishReasonLength() {
        String full = content(chat(request(userMessage(LONG_PROMPT))));

        ChatResult result = chatResult(request(userMessage(LONG_PROMPT) + ",'max_tokens':5"));

        String truncated = content(result.json);
        assertThat(result.json.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(result.usage.completionTokens()).isEqualTo(5);
        assertThat(result.json.at("/usage/completion_tokens").asInt()).isEqualTo(5);
        assertThat(TOKENS.count(truncated)).isEqualTo(5);
        assertThat(full).startsWith(truncated).isNotEqualTo(truncated);
    }

    @Test
    void maxTokensAboveTheAnswerLengthChangesNothing() {
        ChatResult result = chatResult(request(userMessage("hi") + ",'max_completion_tokens':1000"));

        assertThat(result.json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(content(result.json)).isEqualTo("You said: hi");
    }

    @Test
    void answersEveryChoiceAndBillsEach() {
        ChatResult result = chatResult(request(userMessage("hi") + ",'n':3"));

        assertThat(result.json.get("choices")).hasSize(3);
        assertThat(result.usage.completionTokens()).isEqualTo(3L * TOKENS.count("You said: hi"));
    }

    @Test
    void cancellingACallBeforeItsAnswerStopsIt() throws Exception {
        MockProvider slow = provider(new MockSettings(Duration.ofHours(1), 4, Duration.ZERO, 8));
        CompletableFuture<byte[]> answer = new CompletableFuture<>();

        Call call = slow.chat(request(userMessage("hi")), "mock-1", responseListener(answer, new Usage[1]));
        assertThat(scheduler.getQueue()).hasSize(1);
        call.cancel();

        assertThat(scheduler.getQueue()).isEmpty();
        drainScheduler();
        assertThat(answer).isNotDone();
    }

    // --- streaming --------------------------------------------------------------------------

    @Test
    void streamsTheConfiguredNumberOfContentChunksThenTheFinishChunk() {
        ChatRequest request = request(userMessage(LONG_PROMPT) + ",'stream':true");

        StreamResult stream = readStream(mock, request);

        List<JsonNode> chunks = stream.chunks;
        assertThat(chunks).hasSize(STREAM_CHUNKS + 1);
        for (JsonNode chunk : chunks) {
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("model").asText()).isEqualTo("mock-1");
            assertThat(chunk.has("usage")).isFalse();
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.subList(0, STREAM_CHUNKS))
                .allSatisfy(
                        chunk -> assertThat(chunk.at("/choices/0/delta/content").isTextual())
                                .isTrue())
                .allSatisfy(
                        chunk -> assertThat(chunk.at("/choices/0/finish_reason").isNull())
                                .isTrue());
        JsonNode last = chunks.get(STREAM_CHUNKS);
        assertThat(last.at("/choices/0/delta/content").isMissingNode()).isTrue();
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void theStreamedAnswerAndUsageMatchTheNonStreamedOnes() {
        ChatResult whole = chatResult(request(userMessage(LONG_PROMPT)));

        StreamResult stream = readStream(mock, request(userMessage(LONG_PROMPT) + ",'stream':true"));

        assertThat(stream.text()).isEqualTo(content(whole.json));
        assertThat(stream.usage).isEqualTo(whole.usage);
        assertThat(stream.chunks)
                .allSatisfy(chunk -> assertThat(chunk.get("id").asText())
                        .isEqualTo(whole.json.get("id").asText()));
    }

    @Test
    void theStreamedAnswerKeepsCharactersThatSpanSeveralTokens() {
        String prompt = "🦄🧑‍🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 漢字かな Grüße ﷽";
        ChatResult whole = chatResult(request(userMessage(prompt)));

        for (int chunks = 1; chunks <= 12; chunks++) {
            MockProvider provider = provider(new MockSettings(Duration.ZERO, chunks, Duration.ZERO, 8));
            StreamResult stream = readStream(provider, request(userMessage(prompt) + ",'stream':true"));

            assertThat(stream.text()).as("%d chunks", chunks).isEqualTo("You said: " + prompt);
            assertThat(stream.text()).isEqualTo(content(whole.json));
            assertThat(stream.chunks).hasSize(chunks + 1);
        }
    }

    @Test
    void aShortAnswerStreamsOneChunkPerToken() {
        MockProvider many = provider(new MockSettings(Duration.ZERO, 100, Duration.ZERO, 8));
        int answerTokens = TOKENS.count("You said: hi");

        StreamResult stream = readStream(many, request(userMessage("hi") + ",'stream':true"));

        assertThat(stream.chunks).hasSize(answerTokens + 1);
        assertThat(stream.text()).isEqualTo("You said: hi");
    }

    @Test
    void includesTheUsageChunkWhenAskedFor() {
        ChatRequest request =
                request(userMessage(LONG_PROMPT) + ",'stream':true,'stream_options':{'include_usage':true}");

        StreamResult stream = readStream(mock, request);

        assertThat(stream.chunks).hasSize(STREAM_CHUNKS + 2);
        assertThat(stream.chunks.subList(0, STREAM_CHUNKS + 1))
                .allSatisfy(chunk -> assertThat(chunk.get("usage").isNull()).isTrue());
        JsonNode usageChunk = stream.chunks.getLast();
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/prompt_tokens").asLong()).isEqualTo(stream.usage.promptTokens());
        assertThat(usageChunk.at("/usage/completion_tokens").asLong()).isEqualTo(stream.usage.completionTokens());
        assertThat(stream.usage).isEqualTo(new Usage(TOKENS.countPrompt(request), TOKENS.count(stream.text())));
    }

    @Test
    void maxTokensTruncatesAStream() {
        ChatRequest request = request(userMessage(LONG_PROMPT) + ",'stream':true,'max_tokens':6");

        StreamResult stream = readStream(mock, request);

        assertThat(stream.chunks.getLast().at("/choices/0/finish_reason").asText())
                .isEqualTo("length");
        assertThat(stream.usage.completionTokens()).isEqualTo(6);
        assertThat(TOKENS.count(stream.text())).isEqualTo(6);
    }

    @Test
    void sendsNothingMoreUntilTheClientAsksForIt() throws Exception {
        RecordingStream listener = new RecordingStream();
        mock.streamChat(request(userMessage(LONG_PROMPT) + ",'stream':true"), "mock-1", listener);

        Chunk first = listener.takeChunk();
        drainScheduler();

        assertThat(listener.events).isEmpty();
        assertThat(scheduler.getQueue()).isEmpty();

        first.next.run();
        Chunk second = listener.takeChunk();
        drainScheduler();

        assertThat(second.json.at("/choices/0/delta/content").isTextual()).isTrue();
        assertThat(listener.events).isEmpty();
    }

    @Test
    void cancellingAStreamStopsIt() throws Exception {
        RecordingStream listener = new RecordingStream();
        Call call = mock.streamChat(request(userMessage(LONG_PROMPT) + ",'stream':true"), "mock-1", listener);

        Chunk first = listener.takeChunk();
        call.cancel();
        first.next.run();
        drainScheduler();

        assertThat(listener.events).isEmpty();
        assertThat(scheduler.getQueue()).isEmpty();
        call.cancel(); // safe to repeat
    }

    @Test
    void cancellingAStreamBeforeItStartsStopsIt() throws Exception {
        MockProvider slow = provider(new MockSettings(Duration.ofHours(1), 4, Duration.ZERO, 8));
        RecordingStream listener = new RecordingStream();

        Call call = slow.streamChat(request(userMessage("hi") + ",'stream':true"), "mock-1", listener);
        assertThat(scheduler.getQueue()).hasSize(1);
        call.cancel();

        assertThat(scheduler.getQueue()).isEmpty();
        drainScheduler();
        assertThat(listener.events).isEmpty();
    }

    // --- embeddings -------------------------------------------------------------------------

    @Test
    void embeddingsAreDeterministic() {
        EmbeddingRequest request = embeddingRequest("'input':['the same text','another text']");

        assertThat(embeddings(embed(request))).isDeepEqualTo(embeddings(embed(request)));
    }

    @Test
    void embeddingsHaveUnitLength() {
        JsonNode response = embed(embeddingRequest("'input':['short','" + LONG_PROMPT + "','','🦄']"));

        assertThat(List.of(embeddings(response)))
                .allSatisfy(vector -> assertThat(norm(vector)).isCloseTo(1.0, within(1e-5)));
    }

    @Test
    void embeddingsHaveTheConfiguredOrRequestedSize() {
        assertThat(embeddings(embed(embeddingRequest("'input':'x'")))[0]).hasSize(32);
        assertThat(List.of(embeddings(embed(embeddingRequest("'input':['x','y'],'dimensions':7")))))
                .allSatisfy(vector -> assertThat(vector).hasSize(7));
    }

    @Test
    void similarTextsAreCloserThanUnrelatedOnes() {
        MockProvider wide = provider(new MockSettings(Duration.ZERO, 4, Duration.ZERO, 256));
        float[][] vectors = embeddings(embed(
                wide,
                embeddingRequest("'input':['The cat sat on the mat in the kitchen.',"
                        + "'The cat sat on the rug in the kitchen.',"
                        + "'Quarterly revenue grew eight percent across European markets.']")));

        double similar = cosine(vectors[0], vectors[1]);
        double unrelated = cosine(vectors[0], vectors[2]);

        assertThat(similar).isGreaterThan(0.5).isGreaterThan(unrelated);
    }

    @Test
    void base64EncodingHoldsTheSameLittleEndianFloats() {
        float[][] floats = embeddings(embed(embeddingRequest("'input':['alpha','beta gamma']")));

        JsonNode response = embed(embeddingRequest("'input':['alpha','beta gamma'],'encoding_format':'base64'"));

        for (int i = 0; i < floats.length; i++) {
            byte[] bytes = Base64.getDecoder()
                    .decode(response.at("/data/" + i + "/embedding").asText());
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[] decoded = new float[bytes.length / 4];
            buffer.asFloatBuffer().get(decoded);
            assertThat(decoded).containsExactly(floats[i]);
        }
    }

    @Test
    void embeddingResponsesAreListsWithUsage() {
        ResponseCapture capture = new ResponseCapture();
        EmbeddingRequest request = embeddingRequest("'input':['hello world','Hello, world!']");

        mock.embed(request, "mock-embedding-1", capture.listener());
        JsonNode response = capture.json();

        assertThat(response.get("object").asText()).isEqualTo("list");
        assertThat(response.get("model").asText()).isEqualTo("mock-embedding-1");
        assertThat(response.at("/data/0/index").asInt()).isZero();
        assertThat(response.at("/data/1/index").asInt()).isEqualTo(1);
        assertThat(response.at("/data/1/object").asText()).isEqualTo("embedding");
        assertThat(response.at("/usage/prompt_tokens").asInt()).isEqualTo(2 + 4);
        assertThat(capture.usage()).isEqualTo(new Usage(6, 0));
    }

    // --- helpers ----------------------------------------------------------------------------

    private MockProvider provider(MockSettings settings) {
        scheduler.setRemoveOnCancelPolicy(true);
        return new MockProvider("mock", settings, TOKENS, scheduler);
    }

    /** Waits until every task already due on the single scheduler thread has run. */
    private void drainScheduler() throws Exception {
        scheduler.submit(() -> {}).get(5, TimeUnit.SECONDS);
    }

    private static ChatRequest request(String fields) {
        return ChatRequest.parse(json("{'model':'demo'," + fields + "}"));
    }

    private static EmbeddingRequest embeddingRequest(String fields) {
        return EmbeddingRequest.parse(json("{'model':'demo-embedding'," + fields + "}"));
    }

    private static String userMessage(String text) {
        return "'messages':[" + userMessageObject(text) + "]";
    }

    private static String userMessageObject(String text) {
        return "{'role':'user','content':'" + text + "'}";
    }

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String content(JsonNode completion) {
        return completion.at("/choices/0/message/content").asText();
    }

    private JsonNode chat(ChatRequest request) {
        return chatResult(request).json;
    }

    private ChatResult chatResult(ChatRequest request) {
        ResponseCapture capture = new ResponseCapture();
        mock.chat(request, "mock-1", capture.listener());
        return new ChatResult(capture.json(), capture.usage());
    }

    private JsonNode embed(EmbeddingRequest request) {
        return embed(mock, request);
    }

    private static JsonNode embed(MockProvider provider, EmbeddingRequest request) {
        ResponseCapture capture = new ResponseCapture();
        provider.embed(request, "mock-embedding-1", capture.listener());
        return capture.json();
    }

    private static float[][] embeddings(JsonNode list) {
        JsonNode data = list.get("data");
        float[][] vectors = new float[data.size()][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode values = data.get(i).get("embedding");
            vectors[i] = new float[values.size()];
            for (int j = 0; j < values.size(); j++) {
                vectors[i][j] = values.get(j).floatValue();
            }
        }
        return vectors;
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    private static ResponseListener responseListener(CompletableFuture<byte[]> json, Usage[] usage) {
        return new ResponseListener() {
            @Override
            public void onResponse(byte[] body, Usage used) {
                usage[0] = used;
                json.complete(body);
            }

            @Override
            public void onError(ApiError error) {
                json.completeExceptionally(new AssertionError("unexpected error " + error));
            }
        };
    }

    private record ChatResult(JsonNode json, Usage usage) {}

    private static final class ResponseCapture {
        private final CompletableFuture<byte[]> json = new CompletableFuture<>();
        private final Usage[] usage = new Usage[1];

        ResponseListener listener() {
            return responseListener(json, usage);
        }

        JsonNode json() {
            try {
                return parse(json.get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        Usage usage() {
            json();
            return usage[0];
        }
    }

    private record Chunk(JsonNode json, Runnable next) {}

    private record Completed(Usage usage) {}

    private record Failed(ApiError error, Usage usage) {}

    /** Records what a stream delivers; the test decides when to ask for more. */
    private static final class RecordingStream implements StreamListener {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public void onChunks(List<byte[]> chunks, Runnable next) {
            assertThat(chunks).hasSize(1);
            events.add(new Chunk(parse(chunks.getFirst()), next));
        }

        @Override
        public void onComplete(Usage usage) {
            events.add(new Completed(usage));
        }

        @Override
        public void onError(ApiError error, Usage usage) {
            events.add(new Failed(error, usage));
        }

        Object take() {
            try {
                Object event = events.poll(5, TimeUnit.SECONDS);
                if (event == null) {
                    fail("the stream delivered nothing within 5 seconds");
                }
                return event;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        Chunk takeChunk() {
            Object event = take();
            assertThat(event).isInstanceOf(Chunk.class);
            return (Chunk) event;
        }
    }

    private record StreamResult(List<JsonNode> chunks, Usage usage) {
        String text() {
            StringBuilder text = new StringBuilder();
            for (JsonNode chunk : chunks) {
                text.append(chunk.at("/choices/0/delta/content").asText(""));
            }
            return text.toString();
        }
    }

    /** Reads a whole stream, asking for each next chunk as soon as one arrives. */
    private static StreamResult readStream(MockProvider provider, ChatRequest request) {
        RecordingStream listener = new RecordingStream();
        provider.streamChat(request, "mock-1", listener);
        List<JsonNode> chunks = new ArrayList<>();
        while (true) {
            Object event = listener.take();
            if (event instanceof Chunk chunk) {
                chunks.add(chunk.json);
                chunk.next.run();
            } else if (event instanceof Completed completed) {
                return new StreamResult(chunks, completed.usage);
            } else {
                return fail("the stream failed: " + event);
            }
        }
    }
}
