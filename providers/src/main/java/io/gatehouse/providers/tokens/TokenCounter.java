package io.gatehouse.providers.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.gatehouse.providers.ChatRequest;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Counts tokens with a real BPE tokenizer ({@code o200k_base}, the encoding of current OpenAI
 * models, via jtokkit). Chat prompts are counted the way OpenAI documents it: each message costs
 * its role and content plus three tokens of framing, and every reply is primed with three more.
 * Other providers' tokenizers differ by a few percent; the gateway uses this count as an estimate
 * and settles with the provider's own figures. Thread-safe.
 */
public final class TokenCounter {
    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int TOKENS_PER_REPLY = 3;
    private static final int TOKENS_PER_IMAGE = 85;
    private static final int SLICE_CHARS = 4096;
    private static final int ESTIMATE_SAMPLE_CHARS = 8192;

    private final Supplier<Encoding> load;
    private volatile @Nullable Encoding encoding;

    private TokenCounter(Supplier<Encoding> load) {
        this.load = load;
    }

    /**
     * A counter using {@code o200k_base}. Its vocabulary (about 32 MB of heap) is loaded on the first
     * count, not before: a node whose providers report usage and whose policies do not read prompt
     * tokens never needs it. The first count pays the load (a few hundred milliseconds).
     */
    public static TokenCounter o200k() {
        return new TokenCounter(() -> Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE));
    }

    private Encoding encoding() {
        Encoding loaded = encoding;
        if (loaded == null) {
            synchronized (this) {
                loaded = encoding;
                if (loaded == null) {
                    loaded = load.get();
                    encoding = loaded;
                }
            }
        }
        return loaded;
    }

    /** Tokens in {@code text}. */
    public int count(String text) {
        if (text.length() <= SLICE_CHARS) {
            return encoding().countTokensOrdinary(text);
        }
        // BPE is quadratic in the length of one pre-token (a long run without spaces), so long texts
        // are counted in slices cut at whitespace where possible: linear, and within a few tokens of
        // the exact count.
        int total = 0;
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + SLICE_CHARS);
            if (end < text.length()) {
                int space = text.lastIndexOf(' ', end);
                if (space > start + SLICE_CHARS / 2) {
                    end = space;
                }
            }
            total += encoding().countTokensOrdinary(text.substring(start, end));
            start = end;
        }
        return total;
    }

    /** Token ids of {@code text}. */
    public IntArrayList encode(String text) {
        return encoding().encodeOrdinary(text);
    }

    /** The text of {@code tokens}. */
    public String decode(IntArrayList tokens) {
        return encoding().decode(tokens);
    }

    /**
     * The UTF-8 bytes of {@code tokens}. A token may hold part of a character, so only whole runs
     * of tokens decode to valid text.
     */
    public byte[] decodeBytes(IntArrayList tokens) {
        return encoding().decodeBytes(tokens);
    }

    /** The prompt tokens of a chat request, as OpenAI would bill them. */
    public int countPrompt(ChatRequest request) {
        return countPrompt(request, this::count);
    }

    /**
     * The prompt tokens of a chat request, estimated in bounded time: texts up to {@value
     * #ESTIMATE_SAMPLE_CHARS} characters are counted exactly, longer ones from a sample of that size.
     * For checks on a request thread (limits, policies), which settle with the provider's real usage.
     */
    public int estimatePrompt(ChatRequest request) {
        return countPrompt(request, this::estimate);
    }

    /**
     * The prompt tokens of a chat request, roughly, without the tokenizer: each text counts a quarter
     * of its UTF-8 bytes (rounded up), with the same framing as {@link #countPrompt}. One pass over
     * the texts, a hundred times cheaper than counting; within tens of percent of the real count for
     * English prose and code. For reservations settled later with the provider's real usage
     * (tokens-per-minute limits), where only the order of magnitude matters.
     */
    public static int roughPrompt(ChatRequest request) {
        return countPrompt(request, TokenCounter::rough);
    }

    /** A quarter of the UTF-8 bytes of {@code text}, rounded up: a rough token count. */
    static int rough(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // A surrogate pair is 4 bytes in UTF-8: 2 for each half.
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return (int) Math.min(Integer.MAX_VALUE, (bytes + 3) / 4);
    }

    /** Tokens in {@code text}, estimated from a sample when it is long (see {@link #estimatePrompt}). */
    public int estimate(String text) {
        if (text.length() <= ESTIMATE_SAMPLE_CHARS) {
            return count(text);
        }
        long sample = count(text.substring(0, ESTIMATE_SAMPLE_CHARS));
        return (int) Math.min(
                Integer.MAX_VALUE, (sample * text.length() + ESTIMATE_SAMPLE_CHARS - 1) / ESTIMATE_SAMPLE_CHARS);
    }

    private static int countPrompt(ChatRequest request, ToIntFunction<String> count) {
        int total = TOKENS_PER_REPLY;
        for (JsonNode message : request.body().get("messages")) {
            total += TOKENS_PER_MESSAGE;
            total += count.applyAsInt(message.path("role").asText(""));
            JsonNode name = message.get("name");
            if (name != null && name.isTextual()) {
                total += count.applyAsInt(name.asText()) + 1;
            }
            total += countContent(message.get("content"), count);
            JsonNode toolCalls = message.get("tool_calls");
            if (toolCalls != null && toolCalls.isArray()) {
                total += count.applyAsInt(toolCalls.toString());
            }
        }
        JsonNode tools = request.body().get("tools");
        if (tools != null && tools.isArray()) {
            total += count.applyAsInt(tools.toString());
        }
        return total;
    }

    private static int countContent(JsonNode content, ToIntFunction<String> count) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return count.applyAsInt(content.asText());
        }
        int total = 0;
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if (type.equals("text")) {
                total += count.applyAsInt(part.path("text").asText(""));
            } else if (type.equals("image_url") || type.equals("image")) {
                total += TOKENS_PER_IMAGE;
            }
        }
        return total;
    }
}
