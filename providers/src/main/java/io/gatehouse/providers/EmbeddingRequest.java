package io.gatehouse.providers;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The canonical embeddings request (OpenAI's shape), validated. Immutable by convention: {@link
 * #body()} must not be modified.
 *
 * @param body the validated request object
 * @param model the gateway model name the client asked for
 * @param inputs the texts to embed (token-array inputs are kept in the body and counted here as
 *     their decimal text, which only the mock provider reads)
 * @param dimensions the requested vector size, when given
 * @param sent the body as the client sent it (relayed with only the model replaced), when its model
 *     member could be located; null otherwise
 */
public record EmbeddingRequest(
        ObjectNode body,
        String model,
        List<String> inputs,
        @Nullable Integer dimensions,
        @Nullable SentBody sent) {

    private static final int MAX_INPUTS = 2048;
    private static final int MAX_DIMENSIONS = 8192;

    public EmbeddingRequest {
        requireNonNull(body, "body");
        requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
    }

    /**
     * Parses and validates a request body.
     *
     * @throws ApiException with a 400 that names the offending field
     */
    public static EmbeddingRequest parse(byte[] json) {
        JsonBodies.Parsed parsed = JsonBodies.parse(json);
        ObjectNode body = parsed.body();
        String model = JsonBodies.requiredString(body, "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw new ApiException(ApiError.badRequest("'input' is required.", "input"));
        }
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            if (input.get(0).isIntegralNumber()) {
                inputs.add(tokenArray(input, "input"));
            } else {
                for (int i = 0; i < input.size(); i++) {
                    JsonNode item = input.get(i);
                    if (item.isTextual()) {
                        inputs.add(item.asText());
                    } else if (item.isArray()) {
                        inputs.add(tokenArray(item, "input[" + i + "]"));
                    } else {
                        throw invalidInput();
                    }
                }
            }
        } else {
            throw invalidInput();
        }
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw new ApiException(ApiError.badRequest(
                    "encoding_format: '" + format + "' (expected: float or base64)", "encoding_format"));
        }
        Integer dimensions = JsonBodies.optionalPositiveInt(body, "dimensions");
        if (dimensions != null && dimensions > MAX_DIMENSIONS) {
            throw new ApiException(ApiError.badRequest(
                    "dimensions: " + dimensions + " (expected: 1.." + MAX_DIMENSIONS + ")", "dimensions"));
        }
        return new EmbeddingRequest(body, model, inputs, dimensions, parsed.sent());
    }

    private static String tokenArray(JsonNode array, String path) {
        StringBuilder text = new StringBuilder();
        for (JsonNode token : array) {
            if (!token.isIntegralNumber()) {
                throw new ApiException(ApiError.badRequest(path + " must be an array of integer token ids.", "input"));
            }
            text.append(token.asLong()).append(' ');
        }
        return text.toString();
    }

    private static ApiException invalidInput() {
        return new ApiException(ApiError.badRequest(
                "'input' must be a string, an array of 1.." + MAX_INPUTS + " strings, or an array of token arrays.",
                "input"));
    }
}
