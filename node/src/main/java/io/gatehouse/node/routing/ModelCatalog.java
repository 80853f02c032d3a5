package io.gatehouse.node.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The models a node serves, by name, in configuration order. Immutable and thread-safe: a new
 * configuration builds a new catalog.
 */
public final class ModelCatalog {
    private final Map<String, Route> routes;

    public ModelCatalog(List<Route> routes) {
        Map<String, Route> byName = new LinkedHashMap<>();
        for (Route route : routes) {
            if (byName.put(route.model(), route) != null) {
                throw new IllegalArgumentException("model " + route.model() + " is defined twice");
            }
        }
        this.routes = java.util.Collections.unmodifiableMap(byName);
    }

    /** The route for {@code model}, or null if no such model is served. */
    public @Nullable Route route(String model) {
        return routes.get(model);
    }

    /** Every model, in configuration order. */
    public Iterable<Route> routes() {
        return routes.values();
    }
}
