package io.gatehouse.node;

import io.gatehouse.cluster.MemberView;
import io.gatehouse.node.http.AdminTokenHandler;
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
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The admin port's handlers: health, metrics and the admin API (token-protected). It never serves
 * the data plane.
 */
final class AdminPlane {
    private AdminPlane() {}

    static HttpHandler handler(
            String nodeName,
            @Nullable String adminToken,
            Supplier<PolicyEngine> policies,
            Supplier<List<MemberView>> members,
            GatewayMetrics metrics,
            BooleanSupplier ready) {
        HttpHandler evaluatePolicies = new AdminTokenHandler(
                adminToken, new ReceiveJsonHandler(1024 * 1024, new PolicyEvaluateHandler(policies)));
        HttpHandler paths = Handlers.routing()
                .post("/admin/v1/policies/evaluate", evaluatePolicies)
                .get("/admin/v1/cluster", new AdminTokenHandler(adminToken, new ClusterHandler(members)))
                .get("/livez", HealthHandler.liveness())
                .get("/readyz", HealthHandler.readiness(ready))
                .get("/metrics", new MetricsHandler(metrics))
                .setFallbackHandler(Fallbacks.notFound())
                .setInvalidMethodHandler(Fallbacks.methodNotAllowed());
        return new ErrorGuardHandler(new RequestIdHandler(nodeName, paths));
    }
}
