package io.gatehouse.providers.anthropic;

import static io.gatehouse.providers.anthropic.JsonSupport.badRequest;
import static io.gatehouse.providers.anthropic.JsonSupport.isAbsent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Translates a canonical (OpenAI chat-completions) request into an Anthropic Messages API request.
 * System and developer messages become {@code system}; tool results become {@code tool_result}
 * blocks of a user turn and consecutive turns of one role are merged, as Anthropic expects;
 * {@code max_tokens}, which Anthropic requires, defaults to {@value #DEFAULT_MAX_TOKENS}. A field
 * Anthropic cannot honour is a 400 naming it, never silently dropped; only hints that change no
 * answer (message {@code name}, image {@code detail}, {@code store}, {@code metadata}, {@code
 * service_tier}, {@code prompt_cache_key}) are left out. Stateless and thread-safe.
 */
final class OpenAiToAnthropic {
    static final int DEFAULT_MAX_TOKENS = 4096;

    /** Top-level fields without an Anthropic counterpart that do not change the answer. */
    private static final Set<String> HINTS = Set.of("store", "metadata", "service_tier", "prompt_cache_key");

    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private OpenAiToAnthropic() {}

    /** The Anthropic request body for {@code request}, naming {@code upstreamModel}. */
    static ObjectNode translate(ChatRequest request, String upstreamModel) {
        ObjectNode in = request.body();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", upstreamModel);
        Integer maxTokens = request.maxTokens();
        out.put("max_tokens", maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens);
        ArrayNode system = Json.MAPPER.createArrayNode();
        ArrayNode messages = out.putArray("messages");
        JsonNode inMessages = in.get("messages");
        for (int i = 0; i < inMessages.size(); i++) {
            message(inMessages.get(i), "messages[" + i + "]", system, messages);
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        ObjectNode metadata = null;
        for (Map.Entry<String, JsonNode> field : in.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            switch (name) {
                case "model", "messages", "max_tokens", "max_completion_tokens", "stream_options", "tool_choice" -> {
                    // handled elsewhere: stream_options only shapes the client's stream
                }
                case "stream" -> out.put("stream", value.asBoolean());
                case "temperature" -> {
                    if (value.doubleValue() > 1) {
                        throw badRequest(
                                "temperature: " + value + " (expected: 0..1 for Anthropic models)", "temperature");
                    }
                    out.set("temperature", value);
                }
                case "top_p" -> out.set("top_p", value);
                case "top_k" -> {
                    if (!value.isIntegralNumber() || value.intValue() < 0) {
                        throw badRequest("top_k: " + value + " (expected: a non-negative integer)", "top_k");
                    }
                    out.set("top_k", value);
                }
                case "stop" -> stopSequences(value, out);
                case "n" -> {
                    if (value.intValue() != 1) {
                        throw badRequest(
                                "n: " + value + " (expected: 1; Anthropic models return one choice per request)", "n");
                    }
                }
                case "tools" -> tools(value, out);
                case "parallel_tool_calls" -> {
                    if (!value.isBoolean()) {
                        throw badRequest("'parallel_tool_calls' must be a boolean.", "parallel_tool_calls");
                    }
                }
                case "response_format" -> responseFormat(value);
                case "modalities" -> {
                    if (!value.isArray()
                            || value.size() != 1
                            || !value.get(0).asText().equals("text")) {
                        throw badRequest(
                                "modalities: " + value + " (expected: [\"text\"] for Anthropic models)", "modalities");
                    }
                }
                case "user", "safety_identifier" -> {
                    if (!value.isTextual()) {
                        throw badRequest("'" + name + "' must be a string.", name);
                    }
                    if (metadata == null) {
                        metadata = out.putObject("metadata");
                    }
                    if (name.equals("safety_identifier") || !metadata.has("user_id")) {
                        metadata.put("user_id", value.asText());
                    }
                }
                case "logprobs", "top_logprobs", "presence_penalty", "frequency_penalty", "logit_bias" -> {
                    if (!neutral(value)) {
                        throw unsupported(name);
                    }
                }
                default -> {
                    if (!HINTS.contains(name)) {
                        throw unsupported(name);
                    }
                }
            }
        }
        toolChoice(in, out);
        return out;
    }

    private static JsonNode requireText(JsonNode node, String path) {
        if (node == null || !node.isTextual()) {
            throw badRequest(path + " must be a string.", path);
        }
        return node;
    }

    /** Whether a value asks for nothing (false, 0, an empty object): safe to leave out. */
    private static boolean neutral(JsonNode value) {
        return (value.isBoolean() && !value.booleanValue())
                || (value.isNumber() && value.doubleValue() == 0)
                || (value.isObject() && value.isEmpty());
    }

    private static ApiException unsupported(String field) {
        return badRequest(
                "'" + field + "' is not supported for Anthropic models; remove it or choose a model served by another"
                        + " provider.",
                field);
    }

    private static void message(JsonNode message, String path, ArrayNode system, ArrayNode messages) {
        String role = message.get("role").asText();
        JsonNode content = message.get("content");
        switch (role) {
            case "system", "developer" -> system.addAll(textBlocks(content, path + ".content"));
            case "user" -> appendTurn(messages, "user", userBlocks(content, path + ".content"));
            case "assistant" -> appendTurn(messages, "assistant", assistantBlocks(message, path));
            case "tool" -> appendTurn(messages, "user", toolResult(message, path));
            default ->
                throw badRequest(
                        path + ".role: " + role + " (expected: system, developer, user, assistant or tool; the legacy"
                                + " function role is not supported for Anthropic models)",
                        path + ".role");
        }
    }

    /** Adds blocks to the last turn when it has the same role (Anthropic merges them anyway). */
    private static void appendTurn(ArrayNode messages, String role, ArrayNode blocks) {
        if (!messages.isEmpty()) {
            ObjectNode last = (ObjectNode) messages.get(messages.size() - 1);
            if (last.get("role").asText().equals(role)) {
                ((ArrayNode) last.get("content")).addAll(blocks);
                return;
            }
        }
        ObjectNode turn = messages.addObject();
        turn.put("role", role);
        turn.set("content", blocks);
    }

    /** Text-only content (system messages, tool results) as text blocks. */
    private static ArrayNode textBlocks(JsonNode content, String path) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (isAbsent(content)) {
            return blocks;
        }
        if (content.isTextual()) {
            blocks.add(text(content.asText()));
            return blocks;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            if (!part.path("type").asText().equals("text")) {
                throw badRequest(
                        partPath + ".type: " + part.path("type") + " (expected: text; this message takes only text)",
                        partPath + ".type");
            }
            blocks.add(text(requireText(part.get("text"), partPath + ".text").asText()));
        }
        return blocks;
    }

    private static ArrayNode userBlocks(JsonNode content, String path) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (isAbsent(content)) {
            return blocks;
        }
        if (content.isTextual()) {
            blocks.add(text(content.asText()));
            return blocks;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" ->
                    blocks.add(text(
                            requireText(part.get("text"), partPath + ".text").asText()));
                case "image_url" -> blocks.add(image(part.get("image_url"), partPath + ".image_url"));
                default ->
                    throw badRequest(
                            partPath + ".type: " + part.path("type")
                                    + " (expected: text or image_url for Anthropic models)",
                            partPath + ".type");
            }
        }
        return blocks;
    }

    private static ObjectNode image(JsonNode imageUrl, String path) {
        JsonNode urlNode = imageUrl == null ? null : imageUrl.isTextual() ? imageUrl : imageUrl.get("url");
        String url = requireText(urlNode, path + ".url").asText();
        ObjectNode block = Json.MAPPER.createObjectNode();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("https://") || url.startsWith("http://")) {
            source.put("type", "url");
            source.put("url", url);
            return block;
        }
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String header = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !header.endsWith(";base64")) {
                throw badRequest(path + ".url: a data URL must be base64 (data:<type>;base64,...)", path + ".url");
            }
            String mediaType = header.substring(0, header.length() - ";base64".length());
            if (!IMAGE_TYPES.contains(mediaType)) {
                throw badRequest(
                        path + ".url: image type '" + mediaType
                                + "' (expected: image/jpeg, image/png, image/gif or image/webp)",
                        path + ".url");
            }
            source.put("type", "base64");
            source.put("media_type", mediaType);
            source.put("data", url.substring(comma + 1));
            return block;
        }
        throw badRequest(path + ".url: expected an https URL or a base64 data URL", path + ".url");
    }

    private static ArrayNode assistantBlocks(JsonNode message, String path) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        JsonNode content = message.get("content");
        if (!isAbsent(content)) {
            if (content.isTextual()) {
                blocks.add(text(content.asText()));
            } else {
                for (int i = 0; i < content.size(); i++) {
                    JsonNode part = content.get(i);
                    String partPath = path + ".content[" + i + "]";
                    String type = part.path("type").asText();
                    if (!type.equals("text") && !type.equals("refusal")) {
                        throw badRequest(
                                partPath + ".type: " + part.path("type") + " (expected: text or refusal)",
                                partPath + ".type");
                    }
                    blocks.add(text(
                            requireText(part.get(type), partPath + "." + type).asText()));
                }
            }
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (!isAbsent(toolCalls)) {
            // An empty text beside tool calls is how many clients write "no text"; Anthropic rejects it.
            if (blocks.size() == 1 && blocks.get(0).get("text").asText().isEmpty()) {
                blocks.removeAll();
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                blocks.add(toolUse(toolCalls.get(i), path + ".tool_calls[" + i + "]"));
            }
        }
        if (!isAbsent(message.get("function_call"))) {
            throw badRequest(
                    path + ".function_call: the legacy function call is not supported for Anthropic models (use"
                            + " tool_calls)",
                    path + ".function_call");
        }
        return blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String path) {
        if (!call.path("type").asText("function").equals("function")) {
            throw badRequest(path + ".type: " + call.get("type") + " (expected: function)", path + ".type");
        }
        ObjectNode block = Json.MAPPER.createObjectNode();
        block.put("type", "tool_use");
        block.put("id", requireText(call.get("id"), path + ".id").asText());
        JsonNode function = call.path("function");
        block.put(
                "name",
                requireText(function.get("name"), path + ".function.name").asText());
        String arguments = function.path("arguments").asText("");
        JsonNode input;
        try {
            input = arguments.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(arguments);
        } catch (IOException e) {
            input = null;
        }
        if (input == null || !input.isObject()) {
            throw badRequest(
                    path + ".function.arguments: expected a JSON object encoded as a string",
                    path + ".function.arguments");
        }
        block.set("input", input);
        return block;
    }

    private static ArrayNode toolResult(JsonNode message, String path) {
        ObjectNode block = Json.MAPPER.createObjectNode();
        block.put("type", "tool_result");
        block.put(
                "tool_use_id",
                requireText(message.get("tool_call_id"), path + ".tool_call_id").asText());
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            block.put("content", content.asText());
        } else {
            block.set("content", textBlocks(content, path + ".content"));
        }
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        blocks.add(block);
        return blocks;
    }

    private static ObjectNode text(String text) {
        ObjectNode block = Json.MAPPER.createObjectNode();
        block.put("type", "text");
        block.put("text", text);
        return block;
    }

    private static void stopSequences(JsonNode stop, ObjectNode out) {
        ArrayNode sequences = out.putArray("stop_sequences");
        if (stop.isTextual()) {
            sequences.add(stop.asText());
            return;
        }
        if (!stop.isArray()) {
            throw badRequest("'stop' must be a string or an array of strings.", "stop");
        }
        for (JsonNode sequence : stop) {
            sequences.add(requireText(sequence, "stop[]").asText());
        }
    }

    private static void tools(JsonNode tools, ObjectNode out) {
        if (!tools.isArray()) {
            throw badRequest("'tools' must be an array.", "tools");
        }
        ArrayNode result = out.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String path = "tools[" + i + "]";
            if (!tool.path("type").asText().equals("function")) {
                throw badRequest(
                        path + ".type: " + tool.path("type") + " (expected: function for Anthropic models)",
                        path + ".type");
            }
            JsonNode function = tool.path("function");
            ObjectNode anthropic = result.addObject();
            anthropic.put(
                    "name",
                    requireText(function.get("name"), path + ".function.name").asText());
            JsonNode description = function.get("description");
            if (!isAbsent(description)) {
                anthropic.put("description", description.asText());
            }
            JsonNode parameters = function.get("parameters");
            if (isAbsent(parameters)) {
                ObjectNode empty = anthropic.putObject("input_schema");
                empty.put("type", "object");
                empty.putObject("properties");
            } else {
                anthropic.set("input_schema", parameters);
            }
            // Passed on rather than dropped: Anthropic enforces the schema where it supports strict
            // tools and rejects the request where it does not, so the guarantee is never lost silently.
            if (function.path("strict").asBoolean(false)) {
                anthropic.put("strict", true);
            }
        }
    }

    private static void toolChoice(ObjectNode in, ObjectNode out) {
        JsonNode choice = in.get("tool_choice");
        boolean hasTools = out.has("tools") && !out.get("tools").isEmpty();
        boolean noParallel = in.path("parallel_tool_calls").isBoolean()
                && !in.get("parallel_tool_calls").booleanValue();
        ObjectNode result = Json.MAPPER.createObjectNode();
        if (isAbsent(choice)) {
            if (!hasTools || !noParallel) {
                return;
            }
            result.put("type", "auto");
        } else if (choice.isTextual()) {
            switch (choice.asText()) {
                case "none" -> result.put("type", "none");
                case "auto" -> result.put("type", "auto");
                case "required" -> result.put("type", "any");
                default ->
                    throw badRequest(
                            "tool_choice: " + choice + " (expected: none, auto, required or a named function)",
                            "tool_choice");
            }
        } else if (choice.path("type").asText().equals("function")) {
            result.put("type", "tool");
            result.put(
                    "name",
                    requireText(choice.path("function").get("name"), "tool_choice.function.name")
                            .asText());
        } else {
            throw badRequest(
                    "tool_choice: " + choice + " (expected: none, auto, required or a named function)", "tool_choice");
        }
        if (!hasTools
                && (result.get("type").asText().equals("none")
                        || result.get("type").asText().equals("auto"))) {
            return; // nothing to choose from; Anthropic rejects a choice without tools
        }
        if (noParallel && !result.get("type").asText().equals("none")) {
            result.put("disable_parallel_tool_use", true);
        }
        out.set("tool_choice", result);
    }

    private static void responseFormat(JsonNode format) {
        String type = format.path("type").asText();
        if (!type.equals("text")) {
            throw badRequest(
                    "response_format: type '" + type + "' is not supported for Anthropic models (expected: text);"
                            + " describe the format in the prompt or use a tool instead.",
                    "response_format");
        }
    }
}
