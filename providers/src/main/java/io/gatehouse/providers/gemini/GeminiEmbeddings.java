package io.gatehouse.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatTranslator;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Translates OpenAI embeddings requests to the Gemini API's {@code models/{model}:batchEmbedContents}
 * (one request per input, {@code dimensions} as {@code outputDimensionality}) and its answer back
 * to OpenAI's list, as floats or, for {@code encoding_format: base64}, as little-endian float32
 * bytes in base64 like OpenAI's. Token-id inputs get a 400: Gemini embeds text only. Stateless and
 * thread-safe.
 */
final class GeminiEmbeddings {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GeminiEmbeddings() {}

    static byte[] requestBody(EmbeddingRequest request, String upstreamModel) {
        JsonNode input = request.body().get("input");
        boolean tokenIds = input.isArray()
                && !input.isEmpty()
                && (input.get(0).isIntegralNumber() || input.get(0).isArray());
        if (tokenIds) {
            throw new ApiException(ApiError.badRequest(
                    "input: token ids cannot be embedded by Gemini models (expected: a string or an array of strings).",
                    "input"));
        }
        String model = "models/" + GoogleUrls.modelId(upstreamModel);
        ObjectNode body = NODES.objectNode();
        ArrayNode requests = body.putArray("requests");
        for (String text : request.inputs()) {
            ObjectNode item = requests.addObject();
            item.put("model", model);
            item.putObject("content").putArray("parts").addObject().put("text", text);
            if (request.dimensions() != null) {
                item.put("outputDimensionality", request.dimensions());
            }
        }
        return GeminiToOpenAi.write(body);
    }

    static ChatTranslator.Translated response(byte[] upstreamBody, EmbeddingRequest request) {
        JsonNode response = GeminiToOpenAi.readObject(upstreamBody);
        JsonNode embeddings = response.path("embeddings");
        if (!embeddings.isArray() || embeddings.size() != request.inputs().size()) {
            throw new ApiException(
                    ApiError.upstreamFailed("The provider sent " + (embeddings.isArray() ? embeddings.size() : 0)
                            + " embeddings for " + request.inputs().size() + " inputs."));
        }
        boolean base64 = request.body().path("encoding_format").asText("float").equals("base64");
        ObjectNode out = NODES.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < embeddings.size(); i++) {
            JsonNode values = embeddings.get(i).path("values");
            if (!values.isArray()) {
                throw new ApiException(ApiError.upstreamFailed("The provider sent an embedding without values."));
            }
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                item.put("embedding", toBase64(values));
            } else {
                item.set("embedding", values);
            }
        }
        out.put("model", request.model());
        // batchEmbedContents reports no token counts; the usage is zero rather than invented.
        long prompt = response.path("usageMetadata").path("promptTokenCount").asLong(0);
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", prompt);
        usage.put("total_tokens", prompt);
        return new ChatTranslator.Translated(GeminiToOpenAi.write(out), new Usage(prompt, 0));
    }

    private static String toBase64(JsonNode values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode value : values) {
            bytes.putFloat(value.floatValue());
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
