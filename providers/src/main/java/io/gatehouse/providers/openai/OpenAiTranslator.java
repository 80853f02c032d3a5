package io.gatehouse.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.EmbeddingTranslator;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.SentBody;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.Usage;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Translation for OpenAI-compatible upstreams, which speak the canonical shape already: the model
 * is replaced by the deployment's, streams always ask for the usage chunk (so the gateway can
 * account for every stream; it is hidden from clients that did not ask for it), and everything
 * else passes through unchanged: where it can, as the very bytes the client sent ({@link
 * SentBody}), otherwise written anew from the parsed request. Stateless and thread-safe.
 */
public final class OpenAiTranslator implements ChatTranslator, EmbeddingTranslator {

    /**
     * @param modelInBody false for upstreams that name the model in the URL and reject it in the body
     *     (Azure OpenAI's per-deployment API)
     */
    public OpenAiTranslator(boolean modelInBody) {
        this.modelInBody = modelInBody;
    }

    /** Asks for a stream's usage chunk: added to a client's body that names no stream options. */
    private static final String USAGE_CHUNK = ",\"stream_options\":{\"include_usage\":true}";

    private final boolean modelInBody;

    @Override
    public byte[] requestBody(ChatRequest request, String upstreamModel) {
        SentBody sent = request.sent();
        if (sent != null) {
            // The client's own bytes with the model changed: nothing to write anew. A stream must
            // ask for the usage chunk; one that asks already, or names no stream options, keeps
            // its bytes too.
            if (!request.stream() || request.includeUsage()) {
                return withModel(sent, upstreamModel, "");
            }
            if (!request.body().has("stream_options")) {
                return withModel(sent, upstreamModel, USAGE_CHUNK);
            }
        }
        ObjectNode body = topLevelCopy(request.body());
        setModel(body, upstreamModel);
        if (request.stream()) {
            JsonNode options = body.get("stream_options");
            ObjectNode withUsage = options instanceof ObjectNode given ? given.deepCopy() : body.objectNode();
            withUsage.put("include_usage", true);
            body.set("stream_options", withUsage);
        }
        return write(body);
    }

    @Override
    public Translated response(byte[] upstreamBody, ChatRequest request) {
        return new Translated(upstreamBody, readUsage(upstreamBody));
    }

    @Override
    public StreamTranslator stream(ChatRequest request) {
        return new OpenAiStreamTranslator(request.includeUsage());
    }

    @Override
    public ApiError error(int status, byte[] upstreamBody, String provider) {
        return OpenAiErrors.map(status, upstreamBody, provider);
    }

    @Override
    public byte[] requestBody(EmbeddingRequest request, String upstreamModel) {
        SentBody sent = request.sent();
        if (sent != null) {
            return withModel(sent, upstreamModel, "");
        }
        ObjectNode body = topLevelCopy(request.body());
        setModel(body, upstreamModel);
        return write(body);
    }

    @Override
    public Translated response(byte[] upstreamBody, EmbeddingRequest request) {
        return new Translated(upstreamBody, readUsage(upstreamBody));
    }

    /**
     * A copy of a client's body to change at the top level: the nested values (the messages, above
     * all) are shared with the client's, not copied, so none of them may be changed.
     */
    private static ObjectNode topLevelCopy(ObjectNode body) {
        ObjectNode copy = body.objectNode();
        copy.setAll(body);
        return copy;
    }

    private byte[] withModel(SentBody sent, String upstreamModel, String extraMembers) {
        return modelInBody ? sent.withModel(upstreamModel, extraMembers) : sent.withoutModel(extraMembers);
    }

    private void setModel(ObjectNode body, String upstreamModel) {
        if (modelInBody) {
            body.put("model", upstreamModel);
        } else {
            body.remove("model");
        }
    }

    static Usage usageOf(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        return new Usage(
                usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0));
    }

    /**
     * The {@code usage} of an answer that is relayed as it came: read with a streaming parser that
     * skips everything else (the answer is not copied into a tree), while still checking that the
     * whole body is one JSON object. Duplicate names are the provider's to answer for and are not
     * looked for: that check keeps a set of every name in the answer.
     */
    static Usage readUsage(byte[] body) {
        try (JsonParser parser =
                Json.MAPPER.createParser(body).disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                Usage usage = Usage.NONE;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean isUsage = "usage".equals(parser.currentName());
                    if (parser.nextToken() == JsonToken.START_OBJECT && isUsage) {
                        usage = readUsageObject(parser);
                    } else {
                        parser.skipChildren();
                    }
                }
                if (parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null) {
                    return usage;
                }
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new ApiException(ApiError.upstreamFailed("The provider sent a response that is not JSON."));
    }

    /** The token counts of the {@code usage} object the parser is at; other fields are skipped. */
    private static Usage readUsageObject(JsonParser parser) throws IOException {
        long prompt = 0;
        long completion = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = parser.getValueAsLong(0);
                case "completion_tokens" -> completion = parser.getValueAsLong(0);
                default -> parser.skipChildren();
            }
        }
        return new Usage(prompt, completion);
    }

    static JsonNode readObject(byte[] body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new ApiException(ApiError.upstreamFailed("The provider sent a response that is not JSON."));
    }

    private static byte[] write(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise a request body", e);
        }
    }
}
