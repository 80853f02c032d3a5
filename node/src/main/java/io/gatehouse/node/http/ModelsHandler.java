package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.node.routing.ModelCatalog;
import io.gatehouse.node.routing.Route;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.PathTemplateMatch;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{model}} in OpenAI's shape: the models this node
 * serves (the gateway's names, not the providers') that the caller's policies allow.
 */
public final class ModelsHandler implements HttpHandler {
    private final long createdEpochSeconds;

    public ModelsHandler(long createdEpochSeconds) {
        this.createdEpochSeconds = createdEpochSeconds;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws IOException {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        String id = match == null ? null : match.getParameters().get("model");
        Principal principal = exchange.getAttachment(Attachments.PRINCIPAL);
        ActiveConfig config = ActiveConfig.of(exchange);
        ModelCatalog models = config.catalog();
        List<String> names = new ArrayList<>();
        for (Route route : models.routes()) {
            names.add(route.model());
        }
        List<String> visible =
                config.policies().visibleModels(principal, names, RequestMetadata.of(exchange), Instant.now());
        if (id != null) {
            Route route = models.route(id);
            if (route == null || !visible.contains(id)) {
                Responses.error(exchange, ApiError.unknownModel(id));
                return;
            }
            Responses.json(exchange, 200, Json.MAPPER.writeValueAsBytes(model(route)));
            return;
        }
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String name : visible) {
            data.add(model(requireNonNull(models.route(name))));
        }
        Responses.json(exchange, 200, Json.MAPPER.writeValueAsBytes(list));
    }

    private ObjectNode model(Route route) {
        ObjectNode model = Json.MAPPER.createObjectNode();
        model.put("id", route.model());
        model.put("object", "model");
        model.put("created", createdEpochSeconds);
        model.put("owned_by", "gatehouse");
        return model;
    }
}
