package io.gatehouse.providers.anthropic;

import static io.gatehouse.providers.anthropic.JsonSupport.badRequest;
import static io.gatehouse.providers.anthropic.JsonSupport.isAbsent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.JsonBodies;
import java.util.Map;
import java.util.Set;

/**
 * Translates an Anthropic Messages API request ({@code POST /v1/messages}) into the canonical chat
 * request, so any provider can serve it: {@code system} (and system turns) become system messages, {@code tool_use}
 * blocks become assistant tool calls, {@code tool_result} blocks become tool messages (placed before
 * the rest of their turn, as OpenAI expects), images become {@code image_url} parts, {@code
 * stop_sequences} becomes {@code stop} and the required {@code max_tokens} becomes {@code
 * max_completion_tokens}. What the canonical shape cannot carry is a 400 naming it (extended
 * thinking, documents, server tools, images inside tool results); only hints that change no answer
 * are left out: {@code cache_control}, {@code citations} of earlier turns, {@code is_error} of a
 * tool result (its content says what failed), {@code service_tier}. Stateless and thread-safe.
 */
public final class AnthropicToOpenAiRequest {
    private static final Set<String> HINTS = Set.of("service_tier");

    private AnthropicToOpenAiRequest() {}

    /**
     * Parses, validates and translates an Anthropic request body.
     *
     * @throws ApiException with a 400 naming the offending field
     */
    public static ChatRequest parse(byte[] json) {
        ObjectNode in = JsonBodies.parseObject(json);
        String model = JsonBodies.requiredString(in, "model");
        if (isAbsent(in.get("max_tokens"))) {
            throw badRequest("'max_tokens' is required.", "max_tokens");
        }
        Integer maxTokens = JsonBodies.optionalPositiveInt(in, "max_tokens");
        boolean stream = JsonBodies.optionalBoolean(in, "stream", false);
        JsonBodies.optionalNumberInRange(in, "temperature", 0, 1);
        JsonBodies.optionalNumberInRange(in, "top_p", 0, 1);

        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", model);
        ArrayNode messages = out.putArray("messages");
        system(in.get("system"), messages);
        JsonNode inMessages = in.get("messages");
        if (isAbsent(inMessages)) {
            throw badRequest("'messages' is required.", "messages");
        }
        if (!inMessages.isArray() || inMessages.isEmpty()) {
            throw badRequest("'messages' must be a non-empty array of message objects.", "messages");
        }
        for (int i = 0; i < inMessages.size(); i++) {
            message(inMessages.get(i), "messages[" + i + "]", messages);
        }
        out.put("max_completion_tokens", maxTokens);
        if (stream) {
            out.put("stream", true);
        }
        for (Map.Entry<String, JsonNode> field : in.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            switch (name) {
                case "model", "messages", "system", "max_tokens", "stream", "tool_choice" -> {
                    // translated above, or with the tools below
                }
                case "temperature", "top_p" -> out.set(name, value);
                case "top_k" -> {
                    if (!value.isIntegralNumber() || value.intValue() < 0) {
                        throw badRequest("top_k: " + value + " (expected: a non-negative integer)", "top_k");
                    }
                    out.set("top_k", value);
                }
                case "stop_sequences" -> out.set("stop", strings(value, "stop_sequences"));
                case "tools" -> tools(value, out);
                case "metadata" -> metadata(value, out);
                case "thinking" -> {
                    if (!value.path("type").asText().equals("disabled")) {
                        throw badRequest(
                                "thinking: extended thinking is not supported by this gateway yet; remove 'thinking'"
                                        + " or set its type to disabled.",
                                "thinking");
                    }
                }
                default -> {
                    if (!HINTS.contains(name)) {
                        throw badRequest(
                                "'" + name + "' is not supported by this gateway's Messages API; remove it.", name);
                    }
                }
            }
        }
        toolChoice(in.get("tool_choice"), out);
        return new ChatRequest(out, model, stream, false, maxTokens, null);
    }

    private static void system(JsonNode system, ArrayNode messages) {
        if (isAbsent(system)) {
            return;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                messages.addObject().put("role", "system").put("content", system.asText());
            }
            return;
        }
        if (!system.isArray()) {
            throw badRequest("'system' must be a string or an array of text blocks.", "system");
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            String path = "system[" + i + "]";
            if (!block.path("type").asText().equals("text")) {
                throw badRequest(path + ".type: " + block.path("type") + " (expected: text)", path + ".type");
            }
            parts.add(textPart(text(block, path)));
        }
        if (!parts.isEmpty()) {
            ObjectNode message = messages.addObject();
            message.put("role", "system");
            setTextContent(message, parts);
        }
    }

    private static void message(JsonNode message, String path, ArrayNode messages) {
        if (!message.isObject()) {
            throw badRequest(path + " must be an object.", path);
        }
        String role = message.path("role").asText();
        JsonNode content = message.get("content");
        if (isAbsent(content) || !(content.isTextual() || content.isArray())) {
            throw badRequest(path + ".content must be a string or an array of content blocks.", path + ".content");
        }
        switch (role) {
            case "user" -> userMessage(content, path + ".content", messages);
            case "assistant" -> assistantMessage(content, path + ".content", messages);
            case "system" -> systemMessage(content, path + ".content", messages);
            default -> throw badRequest(path + ".role must be one of user, assistant, system.", path + ".role");
        }
    }

    /** A system message among the turns, which newer API versions allow; it keeps its place. */
    private static void systemMessage(JsonNode content, String path, ArrayNode messages) {
        ObjectNode message = messages.addObject();
        message.put("role", "system");
        if (content.isTextual()) {
            message.put("content", content.asText());
            return;
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String blockPath = path + "[" + i + "]";
            if (!block.path("type").asText().equals("text")) {
                throw unsupportedBlock(block, blockPath, "text");
            }
            parts.add(textPart(text(block, blockPath)));
        }
        setTextContent(message, parts);
    }

    private static void userMessage(JsonNode content, String path, ArrayNode messages) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        boolean textOnly = true;
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String blockPath = path + "[" + i + "]";
            switch (block.path("type").asText()) {
                case "text" -> parts.add(textPart(text(block, blockPath)));
                case "image" -> {
                    parts.add(imagePart(block.get("source"), blockPath + ".source"));
                    textOnly = false;
                }
                // OpenAI wants tool results right after the assistant turn that called the tools.
                case "tool_result" -> messages.add(toolMessage(block, blockPath));
                default -> throw unsupportedBlock(block, blockPath, "text, image or tool_result");
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode message = messages.addObject();
        message.put("role", "user");
        if (textOnly) {
            setTextContent(message, parts);
        } else {
            message.set("content", parts);
        }
    }

    private static ObjectNode toolMessage(JsonNode block, String path) {
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("role", "tool");
        message.put("tool_call_id", requiredString(block, "tool_use_id", path));
        JsonNode content = block.get("content");
        if (isAbsent(content)) {
            message.put("content", "");
        } else if (content.isTextual()) {
            message.put("content", content.asText());
        } else if (content.isArray()) {
            ArrayNode parts = Json.MAPPER.createArrayNode();
            for (int i = 0; i < content.size(); i++) {
                JsonNode inner = content.get(i);
                String innerPath = path + ".content[" + i + "]";
                if (!inner.path("type").asText().equals("text")) {
                    throw unsupportedBlock(inner, innerPath, "text (tool results carry only text here)");
                }
                parts.add(textPart(text(inner, innerPath)));
            }
            setTextContent(message, parts);
        } else {
            throw badRequest(path + ".content must be a string or an array of text blocks.", path + ".content");
        }
        return message;
    }

    private static void assistantMessage(JsonNode content, String path, ArrayNode messages) {
        ObjectNode message = messages.addObject();
        message.put("role", "assistant");
        if (content.isTextual()) {
            message.put("content", content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String blockPath = path + "[" + i + "]";
            switch (block.path("type").asText()) {
                case "text" -> {
                    text.append(text(block, blockPath));
                    hasText = true;
                }
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", requiredString(block, "id", blockPath));
                    call.put("type", "function");
                    ObjectNode function = call.putObject("function");
                    function.put("name", requiredString(block, "name", blockPath));
                    JsonNode input = block.get("input");
                    if (input == null || !input.isObject()) {
                        throw badRequest(blockPath + ".input must be an object.", blockPath + ".input");
                    }
                    function.put("arguments", JsonSupport.writeString(input));
                }
                default -> throw unsupportedBlock(block, blockPath, "text or tool_use");
            }
        }
        if (hasText) {
            message.put("content", text.toString());
        } else {
            message.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
    }

    private static ObjectNode imagePart(JsonNode source, String path) {
        if (source == null || !source.isObject()) {
            throw badRequest(path + " must be an object.", path);
        }
        String url = switch (source.path("type").asText()) {
            case "base64" ->
                "data:" + requiredString(source, "media_type", path) + ";base64,"
                        + requiredString(source, "data", path);
            case "url" -> requiredString(source, "url", path);
            default ->
                throw badRequest(path + ".type: " + source.path("type") + " (expected: base64 or url)", path + ".type");
        };
        ObjectNode part = Json.MAPPER.createObjectNode();
        part.put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static void tools(JsonNode tools, ObjectNode out) {
        if (!tools.isArray()) {
            throw badRequest("'tools' must be an array.", "tools");
        }
        if (tools.isEmpty()) {
            return;
        }
        ArrayNode result = out.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String path = "tools[" + i + "]";
            String type = tool.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw badRequest(
                        path + ".type: " + tool.get("type")
                                + " (expected: a custom tool; Anthropic's server and client tools are not"
                                + " supported by this gateway)",
                        path + ".type");
            }
            JsonNode schema = tool.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw badRequest(path + ".input_schema is required and must be an object.", path + ".input_schema");
            }
            ObjectNode function = result.addObject().put("type", "function").putObject("function");
            function.put("name", requiredString(tool, "name", path));
            JsonNode description = tool.get("description");
            if (!isAbsent(description)) {
                function.put("description", description.asText());
            }
            function.set("parameters", schema);
            if (tool.path("strict").asBoolean(false)) {
                function.put("strict", true);
            }
        }
    }

    private static void toolChoice(JsonNode choice, ObjectNode out) {
        if (isAbsent(choice)) {
            return;
        }
        if (!choice.isObject()) {
            throw badRequest("'tool_choice' must be an object.", "tool_choice");
        }
        switch (choice.path("type").asText()) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> {
                ObjectNode named = out.putObject("tool_choice");
                named.put("type", "function");
                named.putObject("function").put("name", requiredString(choice, "name", "tool_choice"));
            }
            default ->
                throw badRequest(
                        "tool_choice.type: " + choice.path("type") + " (expected: auto, any, tool or none)",
                        "tool_choice.type");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false) && out.has("tools")) {
            out.put("parallel_tool_calls", false);
        }
        if (!out.has("tools")) {
            out.remove("tool_choice"); // OpenAI rejects a tool choice without tools
        }
    }

    private static void metadata(JsonNode metadata, ObjectNode out) {
        if (!metadata.isObject()) {
            throw badRequest("'metadata' must be an object.", "metadata");
        }
        JsonNode userId = metadata.get("user_id");
        if (!isAbsent(userId)) {
            if (!userId.isTextual()) {
                throw badRequest("'metadata.user_id' must be a string.", "metadata.user_id");
            }
            out.put("user", userId.asText());
        }
    }

    private static ArrayNode strings(JsonNode value, String path) {
        if (!value.isArray()) {
            throw badRequest("'" + path + "' must be an array of strings.", path);
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw badRequest("'" + path + "' must be an array of strings.", path);
            }
        }
        return (ArrayNode) value;
    }

    private static String text(JsonNode block, String path) {
        JsonNode text = block.get("text");
        if (text == null || !text.isTextual()) {
            throw badRequest(path + ".text must be a string.", path + ".text");
        }
        return text.asText();
    }

    private static String requiredString(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw badRequest(path + "." + field + " must be a non-empty string.", path + "." + field);
        }
        return value.asText();
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        part.put("type", "text");
        part.put("text", text);
        return part;
    }

    /** One text part as a plain string, which every OpenAI-compatible server accepts; more as parts. */
    private static void setTextContent(ObjectNode message, ArrayNode parts) {
        if (parts.size() == 1) {
            message.put("content", parts.get(0).get("text").asText());
        } else {
            message.set("content", parts);
        }
    }

    private static ApiException unsupportedBlock(JsonNode block, String path, String expected) {
        return badRequest(path + ".type: " + block.path("type") + " (expected: " + expected + ")", path + ".type");
    }
}
