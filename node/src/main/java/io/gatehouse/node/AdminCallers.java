package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.api.AdminAuthenticator;
import io.gatehouse.admin.api.AdminCaller;
import io.gatehouse.admin.config.NodeConfig;
import io.gatehouse.admin.config.Secret;
import io.gatehouse.node.http.ActiveConfig;
import io.gatehouse.policy.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Recognises admin API callers: the bootstrap admin token ({@code GATEHOUSE_ADMIN_TOKEN}, compared
 * in constant time, role admin), or an SSO token of a trusted issuer whose role claim ({@code
 * node.admin_roles}) holds an admin or viewer value. Gateway API keys never call the admin API.
 * Thread-safe; blocks at most a few seconds while an issuer's keys are fetched.
 */
final class AdminCallers implements AdminAuthenticator {
    private final byte @Nullable [] bootstrapToken;
    private final NodeConfig.AdminRoles roles;
    private final Supplier<ActiveConfig> config;

    AdminCallers(@Nullable Secret bootstrapToken, NodeConfig.AdminRoles roles, Supplier<ActiveConfig> config) {
        this.bootstrapToken =
                bootstrapToken == null ? null : bootstrapToken.reveal().getBytes(StandardCharsets.UTF_8);
        this.roles = requireNonNull(roles, "roles");
        this.config = requireNonNull(config, "config");
    }

    @Override
    public AdminCaller authenticate(@Nullable String token) {
        if (token == null) {
            throw new AdminAuthException(
                    "Send 'Authorization: Bearer <token>' with the admin token or an SSO token with an admin role.",
                    false);
        }
        if (bootstrapToken != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), bootstrapToken)) {
            return new AdminCaller("bootstrap-token", "admin-token", AdminCaller.Role.ADMIN);
        }
        if (token.chars().filter(c -> c == '.').count() != 2) {
            throw new AdminAuthException("Invalid admin credentials.", false);
        }
        Principal principal = verify(token);
        if (principal == Principal.ANONYMOUS) {
            throw new AdminAuthException("Invalid admin credentials: this node trusts no token issuer.", false);
        }
        if (principal.claims().containsKey("api_key")) {
            throw new AdminAuthException("Gateway API keys cannot call the admin API.", false);
        }
        List<String> values = claimValues(claim(principal.claims(), roles.claim()));
        if (values.stream().anyMatch(roles.admin()::contains)) {
            return new AdminCaller(principal.subject(), "jwt", AdminCaller.Role.ADMIN);
        }
        if (values.stream().anyMatch(roles.viewer()::contains)) {
            return new AdminCaller(principal.subject(), "jwt", AdminCaller.Role.VIEWER);
        }
        throw new AdminAuthException(
                principal.subject() + " has no admin API role (expected claim '" + roles.claim() + "' to hold one of "
                        + roles.admin() + " or " + roles.viewer() + ").",
                true);
    }

    private Principal verify(String token) {
        try {
            return config.get().authenticator().authenticate(token).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminAuthException("Invalid admin credentials.", false);
        } catch (ExecutionException | TimeoutException e) {
            throw new AdminAuthException("Invalid or expired credentials.", false);
        }
    }

    /** The claim named {@code name}, or reached by its dotted path ({@code realm_access.roles}). */
    private static @Nullable Object claim(Map<String, Object> claims, String name) {
        if (claims.containsKey(name)) {
            return claims.get(name);
        }
        Object value = claims;
        for (String part : name.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(part);
        }
        return value;
    }

    private static List<String> claimValues(@Nullable Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof String value) {
            values.add(value);
        } else if (claim instanceof Collection<?> list) {
            list.forEach(item -> values.add(String.valueOf(item)));
        }
        return values;
    }
}
