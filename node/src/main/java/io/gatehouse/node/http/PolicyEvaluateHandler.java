package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Explanation;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.policy.Principal;
import io.gatehouse.policy.RequestFacts;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /admin/v1/policies/evaluate}: the policy dry-run. Given claims (and optionally the
 * principal they map to) and a request, answers the decision the running policies would make, which
 * policy matched, and why each earlier one did not, without calling any provider.
 */
public final class PolicyEvaluateHandler implements HttpHandler {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Supplier<PolicyEngine> engine;

    public PolicyEvaluateHandler(Supplier<PolicyEngine> engine) {
        this.engine = requireNonNull(engine, "engine");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws IOException {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(exchange.getAttachment(Attachments.BODY));
        } catch (IOException e) {
            Responses.error(exchange, ApiError.badRequest("The request body is not valid JSON.", null));
            return;
        }
        if (body == null || !body.isObject() || !body.path("request").isObject()) {
            Responses.error(
                    exchange,
                    ApiError.badRequest("Expected {\"claims\": {...}, \"request\": {\"model\": ...}}.", "request"));
            return;
        }
        Map<String, Object> claims =
                body.path("claims").isObject() ? Json.MAPPER.convertValue(body.get("claims"), MAP) : Map.of();
        Principal principal = principal(body.path("principal"), claims);
        JsonNode request = body.get("request");
        String model = request.path("model").asText("");
        if (model.isBlank()) {
            Responses.error(exchange, ApiError.badRequest("'request.model' is required.", "request.model"));
            return;
        }
        Instant time;
        try {
            time = request.hasNonNull("time")
                    ? Instant.parse(request.get("time").asText())
                    : Instant.now();
        } catch (DateTimeParseException e) {
            Responses.error(
                    exchange,
                    ApiError.badRequest(
                            "request.time: expected an ISO-8601 instant such as 2026-11-23T09:30:00Z.",
                            "request.time"));
            return;
        }
        int promptTokens = request.path("prompt_tokens").asInt(0);
        JsonNode metadata = request.path("metadata");
        if (!metadata.isMissingNode() && !metadata.isNull()) {
            boolean strings = metadata.isObject();
            for (JsonNode value : metadata) {
                strings &= value.isTextual();
            }
            if (!strings) {
                Responses.error(
                        exchange,
                        ApiError.badRequest(
                                "request.metadata: expected an object of string values, like the x-gatehouse-meta-* headers.",
                                "request.metadata"));
                return;
            }
        }
        RequestFacts facts = new RequestFacts(
                model,
                request.path("endpoint").asText("chat"),
                request.path("stream").asBoolean(false),
                request.hasNonNull("max_tokens") ? request.get("max_tokens").asInt() : null,
                () -> promptTokens,
                request.path("metadata").isObject()
                        ? Json.MAPPER.convertValue(request.get("metadata"), new TypeReference<Map<String, String>>() {})
                        : Map.of(),
                time);
        Responses.json(
                exchange, 200, Json.MAPPER.writeValueAsBytes(render(engine.get().explain(principal, facts))));
    }

    /** The principal given explicitly, else read from the standard claims (sub, tenant, groups). */
    private static Principal principal(JsonNode given, Map<String, Object> claims) {
        String subject = given.path("subject").asText(String.valueOf(claims.getOrDefault("sub", "dry-run")));
        String tenant = given.path("tenant").asText(String.valueOf(claims.getOrDefault("tenant", "default")));
        Set<String> groups = new LinkedHashSet<>();
        JsonNode groupNodes = given.has("groups") ? given.get("groups") : Json.MAPPER.valueToTree(claims.get("groups"));
        if (groupNodes != null && groupNodes.isArray()) {
            groupNodes.forEach(g -> groups.add(g.asText()));
        }
        Set<String> keyModels = new LinkedHashSet<>();
        given.path("key_models").forEach(m -> keyModels.add(m.asText()));
        return new Principal(subject, tenant, groups, claims, keyModels);
    }

    private static ObjectNode render(Explanation explanation) {
        Decision decision = explanation.decision();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("allowed", decision.allowed());
        out.put("policy", decision.policy());
        out.put("message", decision.message());
        out.put("model", decision.model());
        out.set("allowed_models", Json.MAPPER.valueToTree(decision.allowedModels()));
        out.set("limits", Json.MAPPER.valueToTree(decision.limits()));
        out.set("cache", Json.MAPPER.valueToTree(decision.cache()));
        out.put("max_tokens", decision.maxTokens());
        out.put("budget_key", decision.budgetKey());
        ArrayNode trace = out.putArray("trace");
        for (Explanation.Step step : explanation.steps()) {
            ObjectNode item = trace.addObject();
            item.put("policy", step.policy());
            item.put("matched", step.matched());
            if (step.error() != null) {
                item.put("error", step.error());
            }
        }
        return out;
    }
}
