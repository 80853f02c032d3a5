package io.gatehouse.admin.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.admin.store.StoredConfig;
import io.undertow.predicate.Predicate;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at {@code /admin/v1/openapi.json} describes exactly the routes the
 * admin port serves, with the role each needs, and {@code docs/admin-openapi.json} is a copy of it.
 */
class OpenApiDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the published copy lives, from the module directory (Surefire's working directory). */
    private static final Path DOCS_COPY = Path.of("../docs/admin-openapi.json");

    /**
     * What node's {@code AdminPlane} serves on the admin port beside {@link AdminApi#addTo}, which
     * this module cannot see: route to role.
     */
    private static final Map<String, String> ADMIN_PLANE_ROUTES = Map.of(
            "POST /admin/v1/policies/evaluate", "viewer",
            "GET /admin/v1/cluster", "viewer",
            "GET /livez", "public",
            "GET /readyz", "public",
            "GET /metrics", "public");

    private static final Set<String> HTTP_METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @Test
    void isAnOpenApi31JsonDocument() throws IOException {
        JsonNode document = document();

        assertThat(document.path("openapi").asText()).startsWith("3.1");
        assertThat(document.path("info").path("title").asText()).isNotBlank();
        assertThat(document.path("paths").isObject()).isTrue();
    }

    @Test
    void docsCopyIsByteForByteTheServedDocument() throws IOException {
        boolean identical = Arrays.equals(Files.readAllBytes(DOCS_COPY), AdminApi.openApiDocument());

        assertThat(identical)
                .as(
                        "%s differs from admin-api/src/main/resources/io/gatehouse/admin/api/openapi.json;"
                                + " copy it again",
                        DOCS_COPY)
                .isTrue();
    }

    @Test
    void documentsExactlyTheRoutesOfTheAdminPort() throws IOException {
        Set<String> served = servedRoutesAndRoles().keySet();
        Set<String> documented = documentedRoles(document()).keySet();

        assertThat(difference(served, documented))
                .as("served but not documented")
                .isEmpty();
        assertThat(difference(documented, served))
                .as("documented but not served")
                .isEmpty();
    }

    @Test
    void documentsTheRoleEachRouteNeeds() throws IOException {
        JsonNode document = document();
        Map<String, String> documented = documentedRoles(document);
        List<String> wrong = new ArrayList<>();

        servedRoutesAndRoles().forEach((route, role) -> {
            JsonNode operation = operation(document, route);
            String description = operation.path("description").asText().toLowerCase(Locale.ROOT);
            // Public operations opt out of the document's bearer security; the others inherit it.
            boolean documentedPublic =
                    operation.has("security") && operation.get("security").isEmpty();
            if (!role.equals(documented.get(route))
                    || !description.contains(role)
                    || documentedPublic != role.equals("public")) {
                wrong.add(route + " (needs: " + role + ")");
            }
        });

        assertThat(wrong)
                .as("operations whose x-gatehouse-role, description or security do not state the role they need")
                .isEmpty();
    }

    @Test
    void everyReferenceResolves() throws IOException {
        JsonNode document = document();
        List<String> references = new ArrayList<>();
        collectReferences(document, references);

        List<String> dangling = references.stream()
                .filter(ref -> document.at(ref.substring(1)).isMissingNode())
                .toList();

        assertThat(references).isNotEmpty();
        assertThat(dangling).as("$ref that point nowhere").isEmpty();
    }

    /**
     * Every route the admin port serves, as {@code "METHOD /path"}, and the role it needs: those
     * {@link AdminApi#addTo} registers (reads need a viewer, changes an admin, and an unguarded
     * route is public), plus {@link #ADMIN_PLANE_ROUTES}.
     */
    private static Map<String, String> servedRoutesAndRoles() {
        RecordingRoutes routes = new RecordingRoutes();
        AdminApi.addTo(routes, parts());
        Map<String, String> served = new TreeMap<>(ADMIN_PLANE_ROUTES);
        routes.handlers.forEach((route, handler) -> {
            String role;
            if (!(handler instanceof AdminAuthHandler)) {
                role = "public";
            } else {
                role = route.startsWith("GET ") ? "viewer" : "admin";
            }
            served.put(route, role);
        });
        return served;
    }

    /** Parts that are never called: building the routes touches none of them. */
    private static AdminApi.Parts parts() {
        ConfigEditor.Reading empty = new ConfigEditor.Reading(new StoredConfig(0, null, List.of()), false);
        AdminAuthenticator nobody = token -> {
            throw new AdminAuthenticator.AdminAuthException("no caller in this test", false);
        };
        return new AdminApi.Parts(() -> empty, null, null, nobody, Runnable::run);
    }

    private static JsonNode document() throws IOException {
        return JSON.readTree(AdminApi.openApiDocument());
    }

    /** Every operation of the document, as {@code "METHOD /path"}, and its {@code x-gatehouse-role}. */
    private static Map<String, String> documentedRoles(JsonNode document) {
        Map<String, String> roles = new TreeMap<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (HTTP_METHODS.contains(operation.getKey())) {
                    String route = operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                    roles.put(
                            route, operation.getValue().path("x-gatehouse-role").asText(null));
                }
            }
        }
        return roles;
    }

    private static JsonNode operation(JsonNode document, String route) {
        String[] methodAndPath = route.split(" ", 2);
        return document.path("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase(Locale.ROOT));
    }

    private static Set<String> difference(Set<String> these, Set<String> those) {
        Set<String> difference = new TreeSet<>(these);
        difference.removeAll(those);
        return difference;
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.isObject() && node.path("$ref").isTextual()) {
            references.add(node.get("$ref").asText());
        }
        node.elements().forEachRemaining(child -> collectReferences(child, references));
    }

    /**
     * A routing handler that remembers what is added to it: Undertow's {@link RoutingHandler} keeps
     * its routes to itself, and its {@code get}, {@code put}, {@code post} and {@code delete} all add
     * through these two methods.
     */
    private static final class RecordingRoutes extends RoutingHandler {
        final Map<String, HttpHandler> handlers = new TreeMap<>();

        @Override
        public synchronized RoutingHandler add(HttpString method, String template, HttpHandler handler) {
            handlers.put(method + " " + template, handler);
            return super.add(method, template, handler);
        }

        @Override
        public synchronized RoutingHandler add(
                HttpString method, String template, Predicate predicate, HttpHandler handler) {
            handlers.put(method + " " + template, handler);
            return super.add(method, template, predicate, handler);
        }
    }
}
