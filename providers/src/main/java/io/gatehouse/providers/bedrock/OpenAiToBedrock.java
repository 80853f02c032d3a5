package io.gatehouse.providers.bedrock;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Translates a canonical (OpenAI chat-completions) request into a Bedrock Converse request body.
 * System and developer messages become {@code system} blocks; user, assistant and tool messages
 * become {@code messages} with strictly alternating roles (tool results travel in user messages, and
 * consecutive messages of one role are merged); images must be base64 data URLs, since Converse
 * takes image bytes; tools become {@code toolConfig}; sampling settings become {@code
 * inferenceConfig}. A parameter Converse cannot honour is rejected with a 400 that names it rather
 * than dropped. The model travels in the URL, not the body. Stateless.
 */
final class OpenAiToBedrock {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Fields translated into the Converse request. */
    private static final Set<String> TRANSLATED = Set.of(
            "model",
            "messages",
            "stream",
            "stream_options",
            "max_tokens",
            "max_completion_tokens",
            "temperature",
            "top_p",
            "stop",
            "tools",
            "tool_choice");

    /**
     * Fields that change nothing about the answer (identifiers for abuse monitoring, OpenAI-side
     * storage and caching hints), so dropping them loses nothing the client could observe.
     */
    private static final Set<String> NO_EFFECT_ON_ANSWER =
            Set.of("user", "safety_identifier", "store", "metadata", "prompt_cache_key", "service_tier");

    private static final Map<String, String> IMAGE_FORMATS = Map.of(
            "image/png", "png",
            "image/jpeg", "jpeg",
            "image/jpg", "jpeg",
            "image/gif", "gif",
            "image/webp", "webp");

    private OpenAiToBedrock() {}

    /** The Converse (or ConverseStream: same body) request for {@code request}. */
    static byte[] translate(ChatRequest request) {
        ObjectNode body = request.body();
        rejectUnsupported(body);
        ObjectNode converse = NODES.objectNode();
        ArrayNode system = NODES.arrayNode();
        ArrayNode messages = converse.putArray("messages");
        boolean usesTools = false;
        JsonNode input = body.get("messages");
        for (int i = 0; i < input.size(); i++) {
            JsonNode message = input.get(i);
            String path = "messages[" + i + "]";
            String role = message.get("role").asText();
            switch (role) {
                case "system", "developer" -> textBlocks(message.get("content"), path + ".content", system);
                case "user" -> append(messages, "user", userContent(message.get("content"), path + ".content"));
                case "assistant" -> {
                    ArrayNode content = assistantContent(message, path);
                    usesTools |= hasToolUse(content);
                    append(messages, "assistant", content);
                }
                case "tool" -> {
                    append(messages, "user", toolResult(message, path));
                    usesTools = true;
                }
                default ->
                    throw new ApiException(ApiError.badRequest(
                            path + ".role: '" + role
                                    + "' is not supported by Bedrock deployments (expected: system, developer,"
                                    + " user, assistant or tool; use 'tool' messages instead of 'function')",
                            path + ".role"));
            }
            rejectUnsupportedMembers(message, role, path);
        }
        if (messages.isEmpty()) {
            throw new ApiException(ApiError.badRequest(
                    "messages: no user or assistant content (expected: at least one non-empty user message;"
                            + " Bedrock does not answer a system prompt alone)",
                    "messages"));
        }
        if (!system.isEmpty()) {
            converse.set("system", system);
        }
        ObjectNode inference = inferenceConfig(body, request.maxTokens());
        if (!inference.isEmpty()) {
            converse.set("inferenceConfig", inference);
        }
        ObjectNode toolConfig = toolConfig(body, usesTools);
        if (toolConfig != null) {
            converse.set("toolConfig", toolConfig);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(converse);
        } catch (IOException e) {
            throw new IllegalStateException("could not serialise a Converse request", e);
        }
    }

    private static void rejectUnsupported(ObjectNode body) {
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull() || TRANSLATED.contains(name) || NO_EFFECT_ON_ANSWER.contains(name)) {
                continue;
            }
            boolean isDefault = switch (name) {
                case "n" -> value.isIntegralNumber() && value.intValue() == 1;
                case "presence_penalty", "frequency_penalty" -> value.isNumber() && value.doubleValue() == 0;
                case "logprobs" -> value.isBoolean() && !value.booleanValue();
                case "logit_bias" -> value.isObject() && value.isEmpty();
                case "parallel_tool_calls" -> value.isBoolean() && value.booleanValue();
                case "response_format" ->
                    value.isObject() && value.path("type").asText().equals("text");
                case "modalities" ->
                    value.isArray()
                            && value.size() == 1
                            && value.get(0).asText().equals("text");
                default -> false;
            };
            if (!isDefault) {
                throw new ApiException(ApiError.badRequest(unsupported(name, value), name));
            }
        }
    }

    /**
     * Message members Converse has no place for: a participant {@code name} (the model would never
     * see it) and the deprecated or audio forms of assistant output.
     */
    private static void rejectUnsupportedMembers(JsonNode message, String role, String path) {
        for (String field : new String[] {"name", "function_call", "audio"}) {
            JsonNode value = message.get(field);
            if (value == null || value.isNull() || (field.equals("name") && role.equals("tool"))) {
                continue;
            }
            throw new ApiException(ApiError.badRequest(
                    path + "." + field + " is not supported by Bedrock deployments"
                            + (field.equals("name")
                                    ? " (participant names are not sent to the model); remove it."
                                    : "; remove it."),
                    path + "." + field));
        }
    }

    private static String unsupported(String name, JsonNode value) {
        return switch (name) {
            case "n" -> "n: " + value + " (expected: 1; Bedrock deployments answer with one choice)";
            case "response_format" ->
                "response_format: " + value.path("type").asText(value.toString())
                        + " is not supported by Bedrock deployments (expected: text); describe the format in"
                        + " the prompt or use a tool with a JSON schema";
            case "parallel_tool_calls" ->
                "parallel_tool_calls: " + value + " (expected: true; Bedrock deployments cannot forbid"
                        + " parallel tool calls)";
            default -> "'" + name + "' is not supported by Bedrock deployments; remove it or choose another model.";
        };
    }

    /** Appends {@code content} as a message of {@code role}, merging into the previous one of that role. */
    private static void append(ArrayNode messages, String role, ArrayNode content) {
        if (content.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && last.get("role").asText().equals(role)) {
            ((ArrayNode) last.get("content")).addAll(content);
            return;
        }
        ObjectNode message = messages.addObject();
        message.put("role", role);
        message.set("content", content);
    }

    /** Text of a system or developer message: a string or text parts. */
    private static void textBlocks(@Nullable JsonNode content, String path, ArrayNode out) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            addText(out, content.asText());
            return;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            if (!type.equals("text")) {
                throw new ApiException(ApiError.badRequest(
                        path + "[" + i + "].type: '" + type + "' (expected: text in this message)",
                        path + "[" + i + "].type"));
            }
            addText(out, requiredText(part, "text", path + "[" + i + "].text"));
        }
    }

    private static ArrayNode userContent(@Nullable JsonNode content, String path) {
        ArrayNode blocks = NODES.arrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(blocks, requiredText(part, "text", partPath + ".text"));
                case "image_url" -> blocks.add(image(part.path("image_url"), partPath + ".image_url"));
                default ->
                    throw new ApiException(ApiError.badRequest(
                            partPath + ".type: '" + type
                                    + "' is not supported by Bedrock deployments (expected: text or image_url)",
                            partPath + ".type"));
            }
        }
        return blocks;
    }

    /** An image part as a Converse image block; only base64 data URLs carry the bytes Converse needs. */
    private static ObjectNode image(JsonNode imageUrl, String path) {
        String url =
                imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
        String urlPath = imageUrl.isTextual() ? path : path + ".url";
        if (!url.startsWith("data:")) {
            throw new ApiException(ApiError.badRequest(
                    urlPath + ": an http(s) image URL is not supported by Bedrock deployments (expected: a data URL"
                            + " such as data:image/png;base64,...; Converse needs the image bytes)",
                    urlPath));
        }
        int comma = url.indexOf(',');
        String meta = comma < 0 ? "" : url.substring("data:".length(), comma);
        String mediaType = meta.endsWith(";base64") ? meta.substring(0, meta.length() - ";base64".length()) : null;
        String format = mediaType == null ? null : IMAGE_FORMATS.get(mediaType.toLowerCase(Locale.ROOT));
        if (format == null) {
            throw new ApiException(ApiError.badRequest(
                    urlPath + ": data URL of type '" + (comma < 0 ? "?" : meta)
                            + "' (expected: base64 data of image/png, image/jpeg, image/gif or image/webp)",
                    urlPath));
        }
        String data = url.substring(comma + 1);
        try {
            Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new ApiException(
                    ApiError.badRequest(urlPath + ": the data URL is not valid base64 (expected: RFC 4648)", urlPath));
        }
        ObjectNode block = NODES.objectNode();
        ObjectNode image = block.putObject("image");
        image.put("format", format);
        // A JSON Converse request carries blob members as base64, which the data URL already is.
        image.putObject("source").put("bytes", data);
        return block;
    }

    private static ArrayNode assistantContent(JsonNode message, String path) {
        ArrayNode blocks = NODES.arrayNode();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            addText(blocks, content.asText());
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String partPath = path + ".content[" + i + "]";
                String type = part.path("type").asText();
                switch (type) {
                    case "text" -> addText(blocks, requiredText(part, "text", partPath + ".text"));
                    case "refusal" -> addText(blocks, requiredText(part, "refusal", partPath + ".refusal"));
                    default ->
                        throw new ApiException(ApiError.badRequest(
                                partPath + ".type: '" + type + "' (expected: text or refusal)", partPath + ".type"));
                }
            }
        }
        JsonNode refusal = message.get("refusal");
        if (refusal != null && refusal.isTextual()) {
            addText(blocks, refusal.asText());
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && !toolCalls.isNull()) {
            if (!toolCalls.isArray()) {
                throw new ApiException(ApiError.badRequest(
                        path + ".tool_calls must be an array of tool calls.", path + ".tool_calls"));
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                blocks.add(toolUse(toolCalls.get(i), path + ".tool_calls[" + i + "]"));
            }
        }
        return blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String path) {
        String type = call.path("type").asText("function");
        if (!type.equals("function")) {
            throw new ApiException(ApiError.badRequest(
                    path + ".type: '" + type + "' is not supported by Bedrock deployments (expected: function)",
                    path + ".type"));
        }
        String id = requiredText(call, "id", path + ".id");
        JsonNode function = call.path("function");
        String name = requiredText(function, "name", path + ".function.name");
        String arguments = function.path("arguments").asText("");
        JsonNode input;
        if (arguments.isBlank()) {
            input = NODES.objectNode();
        } else {
            try {
                input = Json.MAPPER.readTree(arguments);
            } catch (JacksonException e) {
                input = null;
            }
        }
        if (input == null || !input.isObject()) {
            throw new ApiException(ApiError.badRequest(
                    path + ".function.arguments must be a JSON object encoded as a string (Bedrock needs the tool"
                            + " input as an object).",
                    path + ".function.arguments"));
        }
        ObjectNode block = NODES.objectNode();
        ObjectNode toolUse = block.putObject("toolUse");
        toolUse.put("toolUseId", id);
        toolUse.put("name", name);
        toolUse.set("input", input);
        return block;
    }

    private static ArrayNode toolResult(JsonNode message, String path) {
        String id = requiredText(message, "tool_call_id", path + ".tool_call_id");
        ArrayNode content = NODES.arrayNode();
        JsonNode value = message.get("content");
        if (value != null && value.isTextual()) {
            content.addObject().put("text", value.asText());
        } else if (value != null && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                JsonNode part = value.get(i);
                String partPath = path + ".content[" + i + "]";
                if (!part.path("type").asText().equals("text")) {
                    throw new ApiException(ApiError.badRequest(
                            partPath + ".type: '" + part.path("type").asText() + "' (expected: text)",
                            partPath + ".type"));
                }
                content.addObject().put("text", requiredText(part, "text", partPath + ".text"));
            }
        }
        ArrayNode blocks = NODES.arrayNode();
        ObjectNode result = blocks.addObject().putObject("toolResult");
        result.put("toolUseId", id);
        result.set("content", content);
        return blocks;
    }

    private static ObjectNode inferenceConfig(ObjectNode body, @Nullable Integer maxTokens) {
        ObjectNode inference = NODES.objectNode();
        if (maxTokens != null) {
            inference.put("maxTokens", maxTokens);
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && !temperature.isNull()) {
            inference.set("temperature", temperature);
        }
        JsonNode topP = body.get("top_p");
        if (topP != null && !topP.isNull()) {
            inference.set("topP", topP);
        }
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = NODES.arrayNode();
            if (stop.isTextual()) {
                sequences.add(stop.asText());
            } else if (stop.isArray()) {
                for (int i = 0; i < stop.size(); i++) {
                    if (!stop.get(i).isTextual()) {
                        throw new ApiException(ApiError.badRequest(
                                "stop[" + i + "]: " + stop.get(i) + " (expected: a string)", "stop"));
                    }
                    sequences.add(stop.get(i).asText());
                }
            } else {
                throw new ApiException(
                        ApiError.badRequest("stop: " + stop + " (expected: a string or an array of strings)", "stop"));
            }
            if (!sequences.isEmpty()) {
                inference.set("stopSequences", sequences);
            }
        }
        return inference;
    }

    private static @Nullable ObjectNode toolConfig(ObjectNode body, boolean conversationUsesTools) {
        JsonNode tools = body.get("tools");
        JsonNode choice = body.get("tool_choice");
        boolean hasTools = tools != null && !tools.isNull();
        if (hasTools && !tools.isArray()) {
            throw new ApiException(ApiError.badRequest("tools must be an array of tool definitions.", "tools"));
        }
        boolean none = choice != null && choice.isTextual() && choice.asText().equals("none");
        if (none) {
            if (conversationUsesTools) {
                throw new ApiException(ApiError.badRequest(
                        "tool_choice: 'none' is not supported by Bedrock deployments when the conversation holds"
                                + " tool calls (Converse needs the tools then and cannot forbid them); use 'auto'",
                        "tool_choice"));
            }
            return null;
        }
        if (!hasTools || tools.isEmpty()) {
            if (choice != null
                    && !choice.isNull()
                    && !(choice.isTextual() && choice.asText().equals("auto"))) {
                throw new ApiException(ApiError.badRequest(
                        "tool_choice: " + choice + " needs 'tools' (expected: tools)", "tool_choice"));
            }
            return null;
        }
        ObjectNode config = NODES.objectNode();
        ArrayNode specs = config.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            specs.addObject().set("toolSpec", toolSpec(tools.get(i), "tools[" + i + "]"));
        }
        if (choice != null && !choice.isNull()) {
            config.set("toolChoice", toolChoice(choice));
        }
        return config;
    }

    private static ObjectNode toolSpec(JsonNode tool, String path) {
        String type = tool.path("type").asText();
        if (!type.equals("function")) {
            throw new ApiException(ApiError.badRequest(
                    path + ".type: '" + type + "' is not supported by Bedrock deployments (expected: function)",
                    path + ".type"));
        }
        JsonNode function = tool.path("function");
        if (function.path("strict").asBoolean(false)) {
            throw new ApiException(ApiError.badRequest(
                    path + ".function.strict: true is not supported by Bedrock deployments (expected: false or"
                            + " absent; Converse cannot guarantee schema-exact arguments)",
                    path + ".function.strict"));
        }
        ObjectNode spec = NODES.objectNode();
        spec.put("name", requiredText(function, "name", path + ".function.name"));
        JsonNode description = function.get("description");
        if (description != null
                && description.isTextual()
                && !description.asText().isEmpty()) {
            spec.put("description", description.asText());
        }
        JsonNode parameters = function.get("parameters");
        ObjectNode schema;
        if (parameters == null || parameters.isNull()) {
            schema = NODES.objectNode();
            schema.put("type", "object");
            schema.putObject("properties");
        } else if (parameters.isObject()) {
            schema = (ObjectNode) parameters;
        } else {
            throw new ApiException(ApiError.badRequest(
                    path + ".function.parameters must be a JSON Schema object.", path + ".function.parameters"));
        }
        spec.putObject("inputSchema").set("json", schema);
        return spec;
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        ObjectNode out = NODES.objectNode();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> out.putObject("auto");
                case "required" -> out.putObject("any");
                default ->
                    throw new ApiException(ApiError.badRequest(
                            "tool_choice: '" + choice.asText() + "' (expected: none, auto, required or a function)",
                            "tool_choice"));
            }
            return out;
        }
        String name = choice.path("function").path("name").asText("");
        if (!choice.path("type").asText().equals("function") || name.isEmpty()) {
            throw new ApiException(ApiError.badRequest(
                    "tool_choice: " + choice + " (expected: {\"type\":\"function\",\"function\":{\"name\":...}})",
                    "tool_choice"));
        }
        out.putObject("tool").put("name", name);
        return out;
    }

    private static boolean hasToolUse(ArrayNode blocks) {
        for (JsonNode block : blocks) {
            if (block.has("toolUse")) {
                return true;
            }
        }
        return false;
    }

    /** Converse rejects blank text blocks; an empty string carries nothing, so it is left out. */
    private static void addText(ArrayNode blocks, String text) {
        if (!text.isEmpty()) {
            blocks.addObject().put("text", text);
        }
    }

    private static String requiredText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new ApiException(ApiError.badRequest(path + " must be a string.", path));
        }
        return value.asText();
    }
}
