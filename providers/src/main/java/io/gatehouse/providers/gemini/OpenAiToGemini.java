package io.gatehouse.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ApiException;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Translates a canonical (OpenAI) chat request into a Gemini {@code GenerateContentRequest}.
 *
 * <ul>
 *   <li>{@code system} and {@code developer} messages become {@code systemInstruction}, in order,
 *       wherever they stand in the conversation;
 *   <li>{@code user} and {@code assistant} become contents with roles {@code user} and {@code
 *       model}; adjacent contents of one role are merged, as Gemini expects turns to alternate;
 *   <li>images and files are accepted as base64 {@code data:} URLs only ({@code inlineData}); a
 *       plain {@code http(s)} URL gets a 400, since the Gemini API cannot fetch arbitrary URLs and
 *       the gateway does not download on a client's behalf;
 *   <li>assistant {@code tool_calls} become {@code functionCall} parts (with the thought signature
 *       the tool call id carries, see {@link ToolCallIds}); {@code tool} messages become {@code
 *       functionResponse} parts named after the call they answer;
 *   <li>tool and response schemas are sent as JSON Schema ({@code parametersJsonSchema}, {@code
 *       responseJsonSchema}), unchanged, rather than converted to Gemini's OpenAPI subset, which
 *       cannot express {@code additionalProperties} or {@code $ref} that OpenAI's strict schemas
 *       use.
 * </ul>
 *
 * <p>Any other parameter Gemini cannot honour is a 400 that names it, rather than being dropped.
 * Stateless and thread-safe.
 */
final class OpenAiToGemini {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Parameters read below, or carried by the URL, or ({@code user} and the like) that are only hints. */
    private static final Set<String> UNDERSTOOD = Set.of(
            "model",
            "messages",
            "stream",
            "stream_options",
            "temperature",
            "top_p",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "n",
            "presence_penalty",
            "frequency_penalty",
            "seed",
            "response_format",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "logprobs",
            "modalities",
            "store",
            "user",
            "safety_identifier",
            "prompt_cache_key");

    private static final Pattern DATA_URL =
            Pattern.compile("data:([\\w.+-]+/[\\w.+-]+)(?:;[^,;]*)*;base64,(.*)", Pattern.DOTALL);

    private OpenAiToGemini() {}

    static ObjectNode request(ChatRequest request) {
        ObjectNode body = request.body();
        rejectUnsupported(body);
        ObjectNode out = NODES.objectNode();
        Messages messages = new Messages();
        JsonNode list = body.get("messages");
        for (int i = 0; i < list.size(); i++) {
            messages.add(list.get(i), "messages[" + i + "]");
        }
        if (messages.contents.isEmpty()) {
            throw bad("'messages' must contain at least one user, assistant or tool message.", "messages");
        }
        out.set("contents", messages.contents);
        if (!messages.system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", messages.system);
        }
        ArrayNode tools = tools(body.get("tools"));
        if (tools != null) {
            out.set("tools", tools);
        }
        ObjectNode toolConfig = toolConfig(body.get("tool_choice"), tools != null);
        if (toolConfig != null) {
            out.set("toolConfig", toolConfig);
        }
        ObjectNode config = generationConfig(request);
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        return out;
    }

    private static void rejectUnsupported(ObjectNode body) {
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!UNDERSTOOD.contains(name)) {
                throw bad("'" + name + "' is not supported by Gemini models; remove it from the request.", name);
            }
        }
        if (body.path("parallel_tool_calls").isBoolean()
                && !body.get("parallel_tool_calls").booleanValue()) {
            throw bad(
                    "parallel_tool_calls: false cannot be honoured by Gemini models, which may always call"
                            + " several functions at once; remove it.",
                    "parallel_tool_calls");
        }
        if (body.path("logprobs").asBoolean(false)) {
            throw bad("logprobs: true is not supported by Gemini models; remove it.", "logprobs");
        }
        JsonNode modalities = body.get("modalities");
        if (modalities != null
                && !modalities.isNull()
                && !(modalities.isArray()
                        && modalities.size() == 1
                        && modalities.get(0).asText().equals("text"))) {
            throw bad(
                    "modalities: " + modalities + " (expected: [\"text\"]; Gemini models answer in text here)",
                    "modalities");
        }
        if (body.path("store").asBoolean(false)) {
            throw bad("store: true is not supported by Gemini models; remove it.", "store");
        }
    }

    /** The conversation being built, with the names of the tool calls seen so far. */
    private static final class Messages {
        final ArrayNode contents = NODES.arrayNode();
        final ArrayNode system = NODES.arrayNode();
        final Map<String, String> toolNames = new HashMap<>();

        void add(JsonNode message, String path) {
            String role = message.get("role").asText();
            switch (role) {
                case "system", "developer" -> system.addAll(textParts(message.get("content"), path + ".content"));
                case "user" -> append("user", userParts(message.get("content"), path + ".content"));
                case "assistant" -> append("model", assistantParts(message, path));
                case "tool" -> append("user", toolResponse(message, path));
                default ->
                    throw bad(
                            path + ".role: '" + role + "' is not supported by Gemini models (expected: system,"
                                    + " developer, user, assistant or tool; use tools instead of functions).",
                            path + ".role");
            }
        }

        private void append(String role, ArrayNode parts) {
            if (parts.isEmpty()) {
                return;
            }
            JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
            if (last != null && last.path("role").asText().equals(role)) {
                ((ArrayNode) last.get("parts")).addAll(parts);
                return;
            }
            ObjectNode content = contents.addObject();
            content.put("role", role);
            content.set("parts", parts);
        }

        private ArrayNode assistantParts(JsonNode message, String path) {
            ArrayNode parts = NODES.arrayNode();
            JsonNode content = message.get("content");
            if (content != null && !content.isNull()) {
                for (JsonNode part : textParts(content, path + ".content")) {
                    if (!part.path("text").asText().isEmpty()) {
                        parts.add(part);
                    }
                }
            }
            JsonNode calls = message.get("tool_calls");
            if (calls == null || calls.isNull()) {
                return parts;
            }
            if (!calls.isArray()) {
                throw bad(path + ".tool_calls must be an array.", path + ".tool_calls");
            }
            for (int i = 0; i < calls.size(); i++) {
                String at = path + ".tool_calls[" + i + "]";
                JsonNode call = calls.get(i);
                String id = requiredText(call, "id", at);
                JsonNode function = call.get("function");
                if (function == null || !function.isObject()) {
                    throw bad(at + ".function must be an object with a name and arguments.", at + ".function");
                }
                String name = requiredText(function, "name", at + ".function");
                toolNames.put(id, name);
                ObjectNode part = parts.addObject();
                ObjectNode functionCall = part.putObject("functionCall");
                functionCall.put("name", name);
                functionCall.set("args", arguments(function.get("arguments"), at + ".function.arguments"));
                String signature = ToolCallIds.thoughtSignature(id);
                if (signature != null) {
                    part.put("thoughtSignature", signature);
                }
            }
            return parts;
        }

        private ArrayNode toolResponse(JsonNode message, String path) {
            String id = requiredText(message, "tool_call_id", path);
            String name = toolNames.get(id);
            if (name == null) {
                throw bad(
                        path + ".tool_call_id: '" + id
                                + "' (expected: the id of a tool call made by an earlier assistant message)",
                        path + ".tool_call_id");
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode part : textParts(message.get("content"), path + ".content")) {
                text.append(part.get("text").asText());
            }
            ObjectNode functionResponse = NODES.objectNode();
            functionResponse.put("name", name);
            functionResponse.set("response", responseObject(text.toString()));
            ArrayNode parts = NODES.arrayNode();
            parts.addObject().set("functionResponse", functionResponse);
            return parts;
        }
    }

    /** A tool's output as the object Gemini requires: itself if it is a JSON object, else under "output". */
    private static ObjectNode responseObject(String text) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(text);
            if (parsed != null && parsed.isObject()) {
                return (ObjectNode) parsed;
            }
        } catch (IOException e) {
            // plain text: wrapped below
        }
        ObjectNode wrapped = NODES.objectNode();
        wrapped.put("output", text);
        return wrapped;
    }

    private static ObjectNode arguments(@Nullable JsonNode arguments, String path) {
        if (arguments == null || arguments.isNull()) {
            return NODES.objectNode();
        }
        if (arguments.isObject()) {
            return (ObjectNode) arguments;
        }
        if (arguments.isTextual()) {
            if (arguments.asText().isBlank()) {
                return NODES.objectNode();
            }
            try {
                JsonNode parsed = Json.MAPPER.readTree(arguments.asText());
                if (parsed != null && parsed.isObject()) {
                    return (ObjectNode) parsed;
                }
            } catch (IOException e) {
                // reported below
            }
        }
        throw bad(path + " must be a JSON object encoded as a string (Gemini takes named arguments).", path);
    }

    /** Text-only content (system, developer, assistant, tool): a string or text parts. */
    private static ArrayNode textParts(@Nullable JsonNode content, String path) {
        ArrayNode parts = NODES.arrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.addObject().put("text", content.asText());
            return parts;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            if (type.equals("text") || type.equals("refusal")) {
                parts.addObject().put("text", part.path(type).asText());
            } else {
                throw bad(
                        path + "[" + i + "].type: '" + type + "' (expected: text; only user messages may carry"
                                + " images, audio or files)",
                        path + "[" + i + "].type");
            }
        }
        return parts;
    }

    private static ArrayNode userParts(@Nullable JsonNode content, String path) {
        if (content == null || content.isNull() || content.isTextual()) {
            return textParts(content, path);
        }
        ArrayNode parts = NODES.arrayNode();
        for (int i = 0; i < content.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> parts.addObject().put("text", part.path("text").asText());
                case "image_url" -> {
                    JsonNode url = part.path("image_url").get("url");
                    if (url == null && part.path("image_url").isTextual()) {
                        url = part.get("image_url");
                    }
                    parts.add(inlineData(url == null ? "" : url.asText(), at + ".image_url.url", "an image"));
                }
                case "input_audio" -> {
                    JsonNode audio = part.path("input_audio");
                    String format = audio.path("format").asText();
                    if (!format.equals("wav") && !format.equals("mp3")) {
                        throw bad(
                                at + ".input_audio.format: '" + format + "' (expected: wav or mp3)",
                                at + ".input_audio.format");
                    }
                    ObjectNode inline = parts.addObject().putObject("inlineData");
                    inline.put("mimeType", "audio/" + format);
                    inline.put("data", requiredText(audio, "data", at + ".input_audio"));
                }
                case "file" -> {
                    JsonNode file = part.path("file");
                    if (!file.path("file_data").isTextual()) {
                        throw bad(
                                at + ".file: Gemini models accept files only as file_data (a base64 data URL);"
                                        + " file_id refers to OpenAI's storage.",
                                at + ".file");
                    }
                    parts.add(inlineData(file.get("file_data").asText(), at + ".file.file_data", "a file"));
                }
                default ->
                    throw bad(
                            at + ".type: '" + type + "' (expected: text, image_url, input_audio or file)",
                            at + ".type");
            }
        }
        return parts;
    }

    private static ObjectNode inlineData(String url, String path, String what) {
        Matcher m = DATA_URL.matcher(url);
        if (!m.matches()) {
            throw bad(
                    path + ": Gemini models take " + what + " only as a base64 data URL (data:<mime type>;base64,...);"
                            + " the gateway does not download URLs.",
                    path);
        }
        ObjectNode part = NODES.objectNode();
        ObjectNode inline = part.putObject("inlineData");
        inline.put("mimeType", m.group(1));
        inline.put("data", m.group(2));
        return part;
    }

    private static @Nullable ArrayNode tools(@Nullable JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw bad("'tools' must be an array of tool objects.", "tools");
        }
        if (tools.isEmpty()) {
            return null;
        }
        ArrayNode declarations = NODES.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            String type = tool.path("type").asText();
            if (!type.equals("function")) {
                throw bad(
                        at + ".type: '" + type + "' (expected: function; Gemini models take only function tools)",
                        at + ".type");
            }
            JsonNode function = tool.get("function");
            if (function == null || !function.isObject()) {
                throw bad(at + ".function must be an object.", at + ".function");
            }
            ObjectNode declaration = declarations.addObject();
            declaration.put("name", requiredText(function, "name", at + ".function"));
            JsonNode description = function.get("description");
            if (description != null && description.isTextual()) {
                declaration.put("description", description.asText());
            }
            JsonNode parameters = function.get("parameters");
            if (parameters != null && !parameters.isNull()) {
                if (!parameters.isObject()) {
                    throw bad(at + ".function.parameters must be a JSON Schema object.", at + ".function.parameters");
                }
                declaration.set("parametersJsonSchema", parameters);
            }
        }
        ArrayNode out = NODES.arrayNode();
        out.addObject().set("functionDeclarations", declarations);
        return out;
    }

    private static @Nullable ObjectNode toolConfig(@Nullable JsonNode choice, boolean hasTools) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        ObjectNode config = NODES.objectNode();
        ObjectNode calling = config.putObject("functionCallingConfig");
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> calling.put("mode", "AUTO");
                case "none" -> calling.put("mode", "NONE");
                case "required" -> calling.put("mode", "ANY");
                default ->
                    throw bad(
                            "tool_choice: '" + choice.asText()
                                    + "' (expected: none, auto, required or a named function)",
                            "tool_choice");
            }
        } else if (choice.isObject() && choice.path("type").asText().equals("function")) {
            String name = requiredText(choice.path("function"), "name", "tool_choice.function");
            calling.put("mode", "ANY");
            calling.putArray("allowedFunctionNames").add(name);
        } else {
            throw bad(
                    "tool_choice must be none, auto, required or {\"type\":\"function\",\"function\":{\"name\":...}}.",
                    "tool_choice");
        }
        if (!hasTools) {
            if (calling.path("mode").asText().equals("NONE")) {
                return null; // nothing to call anyway
            }
            throw bad("tool_choice requires 'tools'.", "tool_choice");
        }
        return config;
    }

    private static ObjectNode generationConfig(ChatRequest request) {
        ObjectNode body = request.body();
        ObjectNode config = NODES.objectNode();
        copyNumber(body, "temperature", config, "temperature");
        copyNumber(body, "top_p", config, "topP");
        copyNumber(body, "presence_penalty", config, "presencePenalty");
        copyNumber(body, "frequency_penalty", config, "frequencyPenalty");
        if (request.maxTokens() != null) {
            config.put("maxOutputTokens", request.maxTokens());
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull()) {
            config.put("candidateCount", n.intValue());
        }
        JsonNode seed = body.get("seed");
        if (seed != null && !seed.isNull()) {
            if (!seed.canConvertToInt() || !seed.isIntegralNumber()) {
                throw bad("seed: " + seed + " (expected: an integer in the 32-bit range)", "seed");
            }
            config.put("seed", seed.intValue());
        }
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = config.putArray("stopSequences");
            if (stop.isTextual()) {
                sequences.add(stop.asText());
            } else if (stop.isArray() && stop.size() <= 5) {
                for (JsonNode s : stop) {
                    if (!s.isTextual()) {
                        throw bad("stop must be a string or an array of at most 5 strings.", "stop");
                    }
                    sequences.add(s.asText());
                }
            } else {
                throw bad("stop must be a string or an array of at most 5 strings.", "stop");
            }
        }
        responseFormat(body.get("response_format"), config);
        return config;
    }

    private static void responseFormat(@Nullable JsonNode format, ObjectNode config) {
        if (format == null || format.isNull()) {
            return;
        }
        String type = format.path("type").asText();
        switch (type) {
            case "text" -> {}
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) {
                    throw bad(
                            "response_format.json_schema.schema is required and must be a JSON Schema object.",
                            "response_format.json_schema.schema");
                }
                config.put("responseMimeType", "application/json");
                config.set("responseJsonSchema", schema);
            }
            default ->
                throw bad(
                        "response_format.type: '" + type + "' (expected: text, json_object or json_schema)",
                        "response_format.type");
        }
    }

    private static void copyNumber(ObjectNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw bad(field + ": " + value + " (expected: a number)", field);
        }
        to.set(as, value);
    }

    private static String requiredText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw bad(path + "." + field + " is required and must be a non-empty string.", path + "." + field);
        }
        return value.asText();
    }

    private static ApiException bad(String message, String param) {
        return new ApiException(ApiError.badRequest(message, param));
    }
}
