package io.gatehouse.node;

import io.gatehouse.admin.api.AdminApi;
import io.gatehouse.admin.api.AdminCaller;
import io.gatehouse.cluster.ClusterMember;
import io.gatehouse.node.http.ClusterHandler;
import io.gatehouse.node.http.ErrorGuardHandler;
import io.gatehouse.node.http.Fallbacks;
import io.gatehouse.node.http.HealthHandler;
import io.gatehouse.node.http.MetricsHandler;
import io.gatehouse.node.http.PolicyEvaluateHandler;
import io.gatehouse.node.http.ReceiveJsonHandler;
import io.gatehouse.node.http.RequestIdHandler;
import io.gatehouse.node.metrics.GatewayMetrics;
import io.gatehouse.policy.PolicyEngine;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The admin port's handlers: health, metrics, the admin API (every endpoint behind the admin
 * caller check) and the node's own views (cluster, policy dry-run). It never serves the data plane.
 */
final class AdminPlane {
    private AdminPlane() {}

    static HttpHandler handler(
            String nodeName,
            AdminApi.Parts admin,
            Supplier<PolicyEngine> policies,
            ClusterMember cluster,
            GatewayMetrics metrics,
            BooleanSupplier ready,
            Supplier<@Nullable String> degraded) {
        HttpHandler evaluatePolicies = AdminApi.guard(
                admin,
                AdminCaller.Role.VIEWER,
                new ReceiveJsonHandler(1024 * 1024, new PolicyEvaluateHandler(policies)));
        RoutingHandler paths = Handlers.routing()
                .post("/admin/v1/policies/evaluate", evaluatePolicies)
                .get(
                        "/admin/v1/cluster",
                        AdminApi.guard(
                                admin,
                                AdminCaller.Role.VIEWER,
                                new ClusterHandler(cluster::members, cluster.configBus()::latest)))
                .get("/livez", HealthHandler.liveness())
                .get("/readyz", HealthHandler.readiness(ready, degraded))
                .get("/metrics", new MetricsHandler(metrics))
                .setFallbackHandler(Fallbacks.notFound())
                .setInvalidMethodHandler(Fallbacks.methodNotAllowed());
        AdminApi.addTo(paths, admin);
        return new ErrorGuardHandler(new RequestIdHandler(nodeName, paths));
    }
}
