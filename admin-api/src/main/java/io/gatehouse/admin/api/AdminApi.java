package io.gatehouse.admin.api;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.api.AdminCaller.Role;
import io.gatehouse.admin.resources.ResourceType;
import io.gatehouse.admin.store.ConfigRepository;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The admin REST API under {@code /admin/v1/}, assembled in one place: which path and method does
 * what, and which role it needs. Its document is {@code openapi.json} beside this class, served at
 * {@code /admin/v1/openapi.json}.
 */
public final class AdminApi {
    private AdminApi() {}

    /**
     * What the API is built from. Immutable.
     *
     * @param editor and {@code repository} null when the node runs from its config file only
     */
    public record Parts(
            ConfigReader reader,
            @Nullable ConfigEditor editor,
            @Nullable ConfigRepository repository,
            AdminAuthenticator authenticator,
            Executor executor) {
        public Parts {
            requireNonNull(reader, "reader");
            requireNonNull(authenticator, "authenticator");
            requireNonNull(executor, "executor");
        }
    }

    /** Adds the API's routes to {@code routes}. */
    public static RoutingHandler addTo(RoutingHandler routes, Parts parts) {
        for (ResourceType type : ResourceType.values()) {
            ResourceHandlers handlers = new ResourceHandlers(type, parts.reader(), parts.editor());
            String collection = "/admin/v1/" + type.path();
            String item = collection + "/{name}";
            routes.get(collection, viewer(parts, handlers.list()))
                    .post(collection, admin(parts, handlers.create()))
                    .get(item, viewer(parts, handlers.get()))
                    .put(item, admin(parts, handlers.replace()))
                    .delete(item, admin(parts, handlers.delete()));
        }
        ConfigDocumentHandlers config = new ConfigDocumentHandlers(parts.reader(), parts.editor(), parts.repository());
        routes.get("/admin/v1/config", viewer(parts, config.export()))
                .put("/admin/v1/config", admin(parts, config.importDocument()))
                .get("/admin/v1/config/versions", viewer(parts, config.versions()))
                .get("/admin/v1/limits", viewer(parts, config.getLimits()))
                .put("/admin/v1/limits", admin(parts, config.putLimits()))
                .get("/admin/v1/audit", viewer(parts, config.audit()))
                .post("/admin/v1/secrets/reseal", admin(parts, config.reseal()))
                .get("/admin/v1/openapi.json", openApi());
        return routes;
    }

    /** Guards an endpoint that needs at least {@code role}. */
    public static HttpHandler guard(Parts parts, Role role, HttpHandler endpoint) {
        return new AdminAuthHandler(parts.authenticator(), role, parts.executor(), endpoint);
    }

    private static HttpHandler viewer(Parts parts, HttpHandler endpoint) {
        return guard(parts, Role.VIEWER, endpoint);
    }

    private static HttpHandler admin(Parts parts, HttpHandler endpoint) {
        return guard(parts, Role.ADMIN, endpoint);
    }

    /** The OpenAPI document: public, since it holds no configuration. */
    private static HttpHandler openApi() {
        byte[] document = openApiDocument();
        return exchange -> AdminResponses.bytes(exchange, 200, "application/json", document);
    }

    /** The OpenAPI 3.1 document of this API. */
    public static byte[] openApiDocument() {
        try (InputStream in = AdminApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("missing resource openapi.json");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
