package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.cluster.MemberView;
import io.gatehouse.providers.Json;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /admin/v1/cluster}: the members this node sees, oldest first, with each node's name,
 * member address, version, start time, uptime and the configuration version it reports it runs (0
 * until it reports one).
 */
public final class ClusterHandler implements HttpHandler {
    private final Supplier<List<MemberView>> members;
    private final LongSupplier latestConfigVersion;

    public ClusterHandler(Supplier<List<MemberView>> members, LongSupplier latestConfigVersion) {
        this.members = requireNonNull(members, "members");
        this.latestConfigVersion = requireNonNull(latestConfigVersion, "latestConfigVersion");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws IOException {
        // Reading the member list touches the cluster service; keep it off the IO thread.
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        Instant now = Instant.now();
        ObjectNode body = Json.MAPPER.createObjectNode();
        List<MemberView> view = members.get();
        body.put("size", view.size());
        long latest = latestConfigVersion.getAsLong();
        body.put("config_version", latest);
        body.put("converged", view.stream().allMatch(member -> member.configVersion() >= latest));
        ArrayNode list = body.putArray("members");
        for (MemberView member : view) {
            ObjectNode item = list.addObject();
            item.put("name", member.name());
            item.put("address", member.address());
            item.put("version", member.version());
            item.put("started_at", member.startedAt().toString());
            item.put("uptime_seconds", Duration.between(member.startedAt(), now).toSeconds());
            item.put("local", member.local());
            item.put("config_version", member.configVersion());
        }
        Responses.json(exchange, 200, Json.MAPPER.writeValueAsBytes(body));
    }
}
