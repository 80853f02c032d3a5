package io.gatehouse.admin.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.gatehouse.admin.resources.Documents;
import io.gatehouse.admin.resources.Secrets;
import io.gatehouse.admin.store.AuditEntry;
import io.gatehouse.admin.store.ConfigRepository;
import io.gatehouse.admin.store.ResourceKind;
import io.gatehouse.admin.store.StoredResource;
import io.gatehouse.admin.store.VersionEntry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.Locale;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The whole-configuration endpoints: export and import of the cluster-wide document ({@code
 * /admin/v1/config}), the {@code limits} section, the version history, the audit log and resealing
 * secrets under a new master key. Run on the admin worker pool, behind {@link AdminAuthHandler}.
 */
final class ConfigDocumentHandlers {
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private final ConfigReader reader;
    private final @Nullable ConfigEditor editor;
    private final @Nullable ConfigRepository repository;

    /** @param editor and repository null when the configuration comes from a file: writes are refused */
    ConfigDocumentHandlers(ConfigReader reader, @Nullable ConfigEditor editor, @Nullable ConfigRepository repository) {
        this.reader = requireNonNull(reader, "reader");
        this.editor = editor;
        this.repository = repository;
    }

    /** {@code GET /admin/v1/config}: the document, secrets masked; YAML when asked for. */
    HttpHandler export() {
        return exchange -> {
            ConfigEditor.Reading reading = reader.read();
            ObjectNode document = Documents.assemble(reading.config().resources(), Secrets::mask);
            exchange.getResponseHeaders()
                    .put(ResourceHandlers.ETAG, ETags.ofVersion(reading.config().version()));
            Convergence.markStale(exchange, reading);
            if (Bodies.wantsYaml(exchange)) {
                AdminResponses.bytes(exchange, 200, "application/yaml", YAML.writeValueAsBytes(document));
            } else {
                AdminResponses.json(exchange, 200, document);
            }
        };
    }

    /** {@code PUT /admin/v1/config[?dry_run=true]}: replaces the whole configuration, or nothing. */
    HttpHandler importDocument() {
        return exchange -> {
            ConfigEditor editor = ConfigReader.writable(this.editor);
            Convergence.Wait wait = Convergence.requested(exchange);
            OptionalLong ifMatch = ETags.ifMatch(exchange, true);
            boolean dryRun = flag(exchange, "dry_run");
            JsonNode document = Bodies.document(exchange);
            ConfigEditor.Result<ConfigEditor.ImportPlan> result =
                    editor.importDocument(AdminAuthHandler.callerOf(exchange).actor(), document, ifMatch, dryRun);
            ObjectNode answer = AdminResponses.JSON.valueToTree(result.value());
            answer.put("config_version", result.version());
            answer.put("changed", result.changed());
            exchange.getResponseHeaders().put(ResourceHandlers.ETAG, ETags.ofVersion(result.version()));
            Convergence.respond(exchange, editor, wait, result.version(), 200, answer);
        };
    }

    /** {@code GET /admin/v1/limits}: the limits section ({@code {}} for the defaults). */
    HttpHandler getLimits() {
        return exchange -> {
            ConfigEditor.Reading reading = reader.read();
            StoredResource limits = reading.config().of(ResourceKind.SETTINGS).stream()
                    .filter(r -> r.name().equals(Documents.LIMITS))
                    .findFirst()
                    .orElse(null);
            exchange.getResponseHeaders().put(ResourceHandlers.ETAG, ETags.of(limits == null ? 0 : limits.revision()));
            Convergence.markStale(exchange, reading);
            AdminResponses.json(exchange, 200, limits == null ? AdminResponses.JSON.createObjectNode() : limits.spec());
        };
    }

    /** {@code PUT /admin/v1/limits}. */
    HttpHandler putLimits() {
        return exchange -> {
            ConfigEditor editor = ConfigReader.writable(this.editor);
            Convergence.Wait wait = Convergence.requested(exchange);
            OptionalLong ifMatch = ETags.ifMatch(exchange, false);
            ObjectNode body = Bodies.object(exchange);
            var result = editor.putLimits(AdminAuthHandler.callerOf(exchange).actor(), body, ifMatch);
            exchange.getResponseHeaders()
                    .put(ResourceHandlers.ETAG, ETags.of(result.value().revision()));
            Convergence.respond(
                    exchange,
                    editor,
                    wait,
                    result.version(),
                    200,
                    result.value().spec());
        };
    }

    /** {@code GET /admin/v1/config/versions[?limit=50]}: committed versions, newest first. */
    HttpHandler versions() {
        return exchange -> {
            ObjectNode body = AdminResponses.JSON.createObjectNode();
            body.put("object", "list");
            ArrayNode data = body.putArray("data");
            for (VersionEntry entry : ConfigReader.writable(repository).versions(limit(exchange))) {
                ObjectNode item = data.addObject();
                item.put("version", entry.version());
                item.put("committed_at", entry.committedAt().toString());
                item.put("actor", entry.actor().subject());
                item.put("via", entry.actor().via());
                item.put("summary", entry.summary());
            }
            AdminResponses.json(exchange, 200, body);
        };
    }

    /** {@code GET /admin/v1/audit[?kind=providers&name=x&before=<id>&limit=50]}: newest first. */
    HttpHandler audit() {
        return exchange -> {
            String kindName = parameter(exchange, "kind");
            ResourceKind kind = null;
            if (kindName != null) {
                for (ResourceKind candidate : ResourceKind.values()) {
                    if (candidate.table().equals(kindName.replace('-', '_'))) {
                        kind = candidate;
                    }
                }
                if (kind == null) {
                    throw new BadRequestException(
                            400,
                            "invalid_parameter",
                            "kind: \"" + kindName
                                    + "\" (expected: providers, models, policies, api_keys, issuers or settings)");
                }
            }
            long before = number(exchange, "before", Long.MAX_VALUE, 1, Long.MAX_VALUE);
            ObjectNode body = AdminResponses.JSON.createObjectNode();
            body.put("object", "list");
            ArrayNode data = body.putArray("data");
            for (AuditEntry entry : ConfigReader.writable(repository)
                    .audit(kind, parameter(exchange, "name"), before, limit(exchange))) {
                ObjectNode item = data.addObject();
                item.put("id", entry.id());
                item.put("at", entry.at().toString());
                item.put("actor", entry.actor().subject());
                item.put("via", entry.actor().via());
                item.put("version", entry.version());
                item.put("action", entry.action());
                item.put("kind", entry.kind().table());
                item.put("name", entry.name());
                item.set("before", entry.before());
                item.set("after", entry.after());
            }
            AdminResponses.json(exchange, 200, body);
        };
    }

    /** {@code POST /admin/v1/secrets/reseal}: seals every secret again under the current master key. */
    HttpHandler reseal() {
        return exchange -> {
            ConfigEditor editor = ConfigReader.writable(this.editor);
            Convergence.Wait wait = Convergence.requested(exchange);
            var result =
                    editor.resealSecrets(AdminAuthHandler.callerOf(exchange).actor());
            ObjectNode answer = AdminResponses.JSON.createObjectNode();
            answer.put("resealed", result.value());
            answer.put("config_version", result.version());
            Convergence.respond(exchange, editor, wait, result.version(), 200, answer);
        };
    }

    private static int limit(HttpServerExchange exchange) {
        return (int) number(exchange, "limit", 50, 1, 1000);
    }

    private static long number(HttpServerExchange exchange, String name, long fallback, long min, long max) {
        String value = parameter(exchange, name);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(
                400,
                "invalid_parameter",
                name + ": \"" + value + "\" (expected: a whole number from " + min + " to " + max + ")");
    }

    private static boolean flag(HttpServerExchange exchange, String name) {
        String value = parameter(exchange, name);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new BadRequestException(
                400,
                "invalid_parameter",
                name + ": \"" + value.toLowerCase(Locale.ROOT) + "\" (expected: true or false)");
    }

    private static @Nullable String parameter(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
