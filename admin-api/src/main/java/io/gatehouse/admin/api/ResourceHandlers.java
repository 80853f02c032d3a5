package io.gatehouse.admin.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.admin.resources.ResourceType;
import io.gatehouse.admin.resources.Secrets;
import io.gatehouse.admin.store.ResourceNotFoundException;
import io.gatehouse.admin.store.StoredResource;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * The five endpoints of one resource type under {@code /admin/v1/<type>}: list, get, create,
 * replace, delete. Answers show secrets masked; a resource's {@code ETag} is its revision. Run on
 * the admin worker pool, behind {@link AdminAuthHandler}.
 */
final class ResourceHandlers {
    static final HttpString ETAG = new HttpString("ETag");

    private final ResourceType type;
    private final ConfigReader reader;
    private final @Nullable ConfigEditor editor;

    /** @param editor null when the configuration comes from a file: writes are refused */
    ResourceHandlers(ResourceType type, ConfigReader reader, @Nullable ConfigEditor editor) {
        this.type = requireNonNull(type, "type");
        this.reader = requireNonNull(reader, "reader");
        this.editor = editor;
    }

    /** {@code GET /admin/v1/<type>}: every resource of the type, in order. */
    HttpHandler list() {
        return exchange -> {
            ConfigEditor.Reading reading = reader.read();
            ObjectNode body = AdminResponses.JSON.createObjectNode();
            body.put("object", "list");
            body.put("config_version", reading.config().version());
            ArrayNode data = body.putArray("data");
            reading.config().of(type.kind()).forEach(r -> data.add(Secrets.mask(type, r.spec())));
            Convergence.markStale(exchange, reading);
            AdminResponses.json(exchange, 200, body);
        };
    }

    /** {@code GET /admin/v1/<type>/{name}}. */
    HttpHandler get() {
        return exchange -> {
            String name = name(exchange);
            ConfigEditor.Reading reading = reader.read();
            StoredResource resource = reading.config().of(type.kind()).stream()
                    .filter(r -> r.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new ResourceNotFoundException(type.kind(), name));
            exchange.getResponseHeaders().put(ETAG, ETags.of(resource.revision()));
            Convergence.markStale(exchange, reading);
            AdminResponses.json(exchange, 200, Secrets.mask(type, resource.spec()));
        };
    }

    /** {@code POST /admin/v1/<type>}: 201 with the resource (an API key's new key shown this once). */
    HttpHandler create() {
        return exchange -> {
            ConfigEditor editor = ConfigReader.writable(this.editor);
            Convergence.Wait wait = Convergence.requested(exchange);
            ObjectNode body = Bodies.object(exchange);
            ConfigEditor.Result<ConfigEditor.Created> result =
                    editor.create(AdminAuthHandler.callerOf(exchange).actor(), type, body);
            StoredResource resource = result.value().resource();
            ObjectNode answer = Secrets.mask(type, resource.spec());
            if (result.value().issuedKey() != null) {
                answer.put("key", result.value().issuedKey());
            }
            exchange.getResponseHeaders().put(ETAG, ETags.of(resource.revision()));
            exchange.getResponseHeaders()
                    .put(
                            new HttpString("Location"),
                            "/admin/v1/" + type.path() + "/"
                                    + URLEncoder.encode(resource.name(), StandardCharsets.UTF_8)
                                            .replace("+", "%20"));
            Convergence.respond(exchange, editor, wait, result.version(), 201, answer);
        };
    }

    /** {@code PUT /admin/v1/<type>/{name}}: replaces the spec, honouring {@code If-Match}. */
    HttpHandler replace() {
        return exchange -> {
            ConfigEditor editor = ConfigReader.writable(this.editor);
            Convergence.Wait wait = Convergence.requested(exchange);
            String name = name(exchange);
            var ifMatch = ETags.ifMatch(exchange, false);
            ObjectNode body = Bodies.object(exchange);
            ConfigEditor.Result<StoredResource> result =
                    editor.replace(AdminAuthHandler.callerOf(exchange).actor(), type, name, body, ifMatch);
            exchange.getResponseHeaders().put(ETAG, ETags.of(result.value().revision()));
            Convergence.respond(
                    exchange,
                    editor,
                    wait,
                    result.version(),
                    200,
                    Secrets.mask(type, result.value().spec()));
        };
    }

    /** {@code DELETE /admin/v1/<type>/{name}}: 204, honouring {@code If-Match}. */
    HttpHandler delete() {
        return exchange -> {
            ConfigEditor editor = ConfigReader.writable(this.editor);
            Convergence.Wait wait = Convergence.requested(exchange);
            String name = name(exchange);
            var ifMatch = ETags.ifMatch(exchange, false);
            ConfigEditor.Result<String> result =
                    editor.delete(AdminAuthHandler.callerOf(exchange).actor(), type, name, ifMatch);
            Convergence.respond(exchange, editor, wait, result.version(), 204, null);
        };
    }

    /** The name in the path; an issuer's, a URL, comes percent-encoded. */
    private static String name(HttpServerExchange exchange) {
        Deque<String> values = exchange.getQueryParameters().get("name");
        String name = values == null ? "" : values.getFirst();
        return name.replace("%2F", "/").replace("%2f", "/").replace("%3A", ":").replace("%3a", ":");
    }
}
