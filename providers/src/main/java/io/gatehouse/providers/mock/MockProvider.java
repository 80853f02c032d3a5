package io.gatehouse.providers.mock;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.api.IntArrayList;
import io.gatehouse.providers.Call;
import io.gatehouse.providers.ChatProvider;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.EmbeddingProvider;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The built-in provider that needs no network and no credentials. Its answer is derived from the
 * prompt alone (it repeats the last user message), so the same request always gets the same text;
 * usage is counted with a real tokenizer; {@code max_tokens} truncates the answer with {@code
 * finish_reason: "length"}; streams arrive in a configured number of chunks at a configured pace
 * and respect the client's demand. Embeddings hash the input's tokens into a normalised vector, so
 * texts that share words get similar vectors. Thread-safe.
 */
public final class MockProvider implements ChatProvider, EmbeddingProvider {
    private static final int MAX_ECHO_CHARS = 2000;

    private final String name;
    private final MockSettings settings;
    private final TokenCounter tokens;
    private final ScheduledExecutorService scheduler;

    public MockProvider(String name, MockSettings settings, TokenCounter tokens, ScheduledExecutorService scheduler) {
        this.name = requireNonNull(name, "name");
        this.settings = requireNonNull(settings, "settings");
        this.tokens = requireNonNull(tokens, "tokens");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Call chat(ChatRequest request, String upstreamModel, ResponseListener listener) {
        // Tokenising may be slow for long prompts: it runs on the scheduler, never the caller's thread.
        Future<?> task = schedule(
                () -> {
                    Answer answer = answer(request);
                    ObjectNode completion = envelope(answer.id, "chat.completion", upstreamModel);
                    ArrayNode choices = completion.putArray("choices");
                    int n = request.body().path("n").asInt(1);
                    for (int i = 0; i < n; i++) {
                        ObjectNode choice = choices.addObject();
                        choice.put("index", i);
                        ObjectNode message = choice.putObject("message");
                        message.put("role", "assistant");
                        message.put("content", answer.text);
                        message.putNull("refusal");
                        choice.putNull("logprobs");
                        choice.put("finish_reason", answer.finishReason);
                    }
                    Usage usage = new Usage(answer.promptTokens, (long) answer.completionTokens * n);
                    putUsage(completion, usage);
                    listener.onResponse(write(completion), usage);
                },
                settings.latency());
        return () -> task.cancel(false);
    }

    @Override
    public Call streamChat(ChatRequest request, String upstreamModel, StreamListener listener) {
        MockStream stream = new MockStream(request, upstreamModel, listener);
        stream.scheduleNext(settings.latency());
        return stream::cancel;
    }

    @Override
    public Call embed(EmbeddingRequest request, String upstreamModel, ResponseListener listener) {
        int dimensions = request.dimensions() == null ? settings.embeddingDimensions() : request.dimensions();
        boolean base64 = request.body().path("encoding_format").asText("float").equals("base64");
        Future<?> task = schedule(
                () -> {
                    ObjectNode list = Json.MAPPER.createObjectNode();
                    list.put("object", "list");
                    ArrayNode data = list.putArray("data");
                    long promptTokens = 0;
                    for (int i = 0; i < request.inputs().size(); i++) {
                        IntArrayList ids = tokens.encode(request.inputs().get(i));
                        promptTokens += ids.size();
                        float[] vector = embed(ids, dimensions);
                        ObjectNode item = data.addObject();
                        item.put("object", "embedding");
                        item.put("index", i);
                        if (base64) {
                            item.put("embedding", toBase64(vector));
                        } else {
                            ArrayNode values = item.putArray("embedding");
                            for (float v : vector) {
                                values.add(v);
                            }
                        }
                    }
                    list.put("model", upstreamModel);
                    ObjectNode usage = list.putObject("usage");
                    usage.put("prompt_tokens", promptTokens);
                    usage.put("total_tokens", promptTokens);
                    listener.onResponse(write(list), new Usage(promptTokens, 0));
                },
                settings.latency());
        return () -> task.cancel(false);
    }

    /** Feature hashing of token ids into a unit vector; deterministic. */
    static float[] embed(IntArrayList ids, int dimensions) {
        float[] vector = new float[dimensions];
        for (int i = 0; i < ids.size(); i++) {
            int h = mix(ids.get(i));
            vector[Math.floorMod(h, dimensions)] += (h & 0x4000_0000) == 0 ? 1f : -1f;
        }
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        if (norm == 0) {
            vector[0] = 1f;
            return vector;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static int mix(int x) {
        x = ((x >>> 16) ^ x) * 0x45d9f3b;
        x = ((x >>> 16) ^ x) * 0x45d9f3b;
        return (x >>> 16) ^ x;
    }

    private static String toBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private Answer answer(ChatRequest request) {
        String lastUser = "";
        for (JsonNode message : request.body().get("messages")) {
            if (message.path("role").asText().equals("user")) {
                lastUser = text(message.get("content"));
            }
        }
        if (lastUser.length() > MAX_ECHO_CHARS) {
            lastUser = lastUser.substring(0, MAX_ECHO_CHARS);
        }
        String text = lastUser.isBlank() ? "Hello from the mock model." : "You said: " + lastUser;
        IntArrayList ids = tokens.encode(text);
        String finishReason = "stop";
        Integer max = request.maxTokens();
        if (max != null && ids.size() > max) {
            IntArrayList truncated = new IntArrayList(max);
            for (int i = 0; i < max; i++) {
                truncated.add(ids.get(i));
            }
            ids = truncated;
            text = tokens.decode(ids);
            finishReason = "length";
        }
        String id = "chatcmpl-mock-"
                + HexFormat.of()
                        .toHexDigits(text.hashCode() * 31L
                                + request.body().get("messages").hashCode());
        return new Answer(id, text, ids, finishReason, tokens.countPrompt(request), ids.size());
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    private ObjectNode envelope(String id, String object, String model) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("object", object);
        node.put("created", System.currentTimeMillis() / 1000);
        node.put("model", model);
        node.putNull("system_fingerprint");
        return node;
    }

    private static void putUsage(ObjectNode node, Usage usage) {
        ObjectNode u = node.putObject("usage");
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
    }

    private Future<?> schedule(Runnable task, Duration delay) {
        return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static byte[] write(ObjectNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Answer(
            String id,
            String text,
            IntArrayList tokenIds,
            String finishReason,
            int promptTokens,
            int completionTokens) {}

    /** One streamed answer: emits the next chunk only once the previous one has been taken. */
    private final class MockStream {
        private final ChatRequest request;
        private final String model;
        private final StreamListener listener;
        private Answer answer;
        private List<String> pieces;
        private final long created = System.currentTimeMillis() / 1000;
        private int step;
        private volatile boolean cancelled;
        private volatile Future<?> pending;

        MockStream(ChatRequest request, String model, StreamListener listener) {
            this.request = request;
            this.model = model;
            this.listener = listener;
        }

        void scheduleNext(Duration delay) {
            if (!cancelled) {
                pending = schedule(this::emit, delay);
            }
        }

        void cancel() {
            cancelled = true;
            Future<?> p = pending;
            if (p != null) {
                p.cancel(false);
            }
        }

        private void emit() {
            if (cancelled) {
                return;
            }
            int i = step++;
            if (i == 0) {
                answer = answer(request);
                pieces = split(answer.tokenIds, settings.streamChunks());
            }
            if (i <= pieces.size()) {
                ObjectNode chunk = envelope(answer.id, "chat.completion.chunk", model);
                chunk.put("created", created);
                ObjectNode choice = chunk.putArray("choices").addObject();
                choice.put("index", 0);
                ObjectNode delta = choice.putObject("delta");
                if (i == 0) {
                    delta.put("role", "assistant");
                }
                if (i < pieces.size()) {
                    delta.put("content", pieces.get(i));
                    choice.putNull("finish_reason");
                } else {
                    choice.put("finish_reason", answer.finishReason);
                }
                if (request.includeUsage()) {
                    chunk.putNull("usage");
                }
                Duration pause = i == 0 ? Duration.ZERO : settings.chunkInterval();
                listener.onChunks(List.of(write(chunk)), () -> scheduleNext(pause));
                return;
            }
            Usage usage = new Usage(answer.promptTokens, answer.completionTokens);
            if (request.includeUsage() && i == pieces.size() + 1) {
                ObjectNode chunk = envelope(answer.id, "chat.completion.chunk", model);
                chunk.put("created", created);
                chunk.putArray("choices");
                putUsage(chunk, usage);
                listener.onChunks(List.of(write(chunk)), () -> scheduleNext(Duration.ZERO));
                return;
            }
            listener.onComplete(usage);
        }

        /**
         * Splits the answer at token boundaries, moved forward to the next character boundary: a
         * character may span several tokens, and decoding each piece on its own would garble it.
         */
        private List<String> split(IntArrayList ids, int parts) {
            int count = Math.max(1, Math.min(parts, ids.size()));
            byte[] text = tokens.decodeBytes(ids);
            String[] result = new String[count];
            int fromToken = 0;
            int fromByte = 0;
            int toByte = 0;
            for (int p = 0; p < count; p++) {
                int toToken = (int) ((long) ids.size() * (p + 1) / count);
                IntArrayList slice = new IntArrayList(toToken - fromToken);
                for (int i = fromToken; i < toToken; i++) {
                    slice.add(ids.get(i));
                }
                toByte += tokens.decodeBytes(slice).length;
                int cut = Math.max(fromByte, toByte);
                while (cut < text.length && (text[cut] & 0xC0) == 0x80) {
                    cut++;
                }
                result[p] = new String(text, fromByte, cut - fromByte, StandardCharsets.UTF_8);
                fromToken = toToken;
                fromByte = cut;
            }
            return List.of(result);
        }
    }
}
