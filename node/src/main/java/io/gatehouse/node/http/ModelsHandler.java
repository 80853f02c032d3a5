package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.node.routing.ModelCatalog;
import io.gatehouse.node.routing.Route;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.PathTemplateMatch;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{model}} in OpenAI's shape: the models this node
 * serves (the gateway's names, not the providers').
 */
public final class ModelsHandler implements HttpHandler {
    private final Supplier<ModelCatalog> catalog;
    private final long createdEpochSeconds;

    public ModelsHandler(Supplier<ModelCatalog> catalog, long createdEpochSeconds) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.createdEpochSeconds = createdEpochSeconds;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws IOException {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        String id = match == null ? null : match.getParameters().get("model");
        if (id != null) {
            Route route = catalog.get().route(id);
            if (route == null) {
                Responses.error(exchange, ApiError.unknownModel(id));
                return;
            }
            Responses.json(exchange, 200, Json.MAPPER.writeValueAsBytes(model(route)));
            return;
        }
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (Route route : catalog.get().routes()) {
            data.add(model(route));
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
