package io.gatehouse.node;

import io.gatehouse.admin.config.AuthConfig;
import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.config.PolicyConfig;
import io.gatehouse.policy.Authenticator;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.policy.PolicyException;
import io.gatehouse.policy.PolicySpec;
import io.gatehouse.policy.auth.ApiKey;
import io.gatehouse.policy.auth.IssuerSettings;
import io.gatehouse.policy.auth.TokenAuthenticator;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who may call and what they may do, built from the {@code auth} and {@code policies} config keys:
 * the authenticator (open access when no credential is configured) and the compiled policies
 * (allow-all when the key is absent). Thread-safe; {@link #close()} stops key refreshes.
 */
final class AccessControl implements AutoCloseable {
    private final Authenticator authenticator;
    private final PolicyEngine policies;
    private final @Nullable AutoCloseable resources;

    private AccessControl(Authenticator authenticator, PolicyEngine policies, @Nullable AutoCloseable resources) {
        this.authenticator = authenticator;
        this.policies = policies;
        this.resources = resources;
    }

    /**
     * Builds access control for {@code config}.
     *
     * @throws ConfigException if a policy does not compile, naming it and the CEL error
     */
    static AccessControl from(GatewayConfig config) {
        PolicyEngine policies = policies(config.policies());
        AuthConfig auth = config.auth();
        if (auth == null || auth.isEmpty()) {
            return new AccessControl(Authenticator.openAccess(), policies, null);
        }
        TokenAuthenticator authenticator = TokenAuthenticator.start(issuers(auth), apiKeys(auth), Clock.systemUTC());
        return new AccessControl(authenticator, policies, authenticator);
    }

    /** Compiles policies; null (no {@code policies} key) allows everything. */
    static PolicyEngine policies(@Nullable List<PolicyConfig> configs) {
        if (configs == null) {
            return PolicyEngine.allowAll();
        }
        try {
            return PolicyEngine.compile(
                    configs.stream().map(AccessControl::spec).toList());
        } catch (PolicyException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static PolicySpec spec(PolicyConfig config) {
        PolicySpec.LimitSpec limits = config.limits() == null
                ? null
                : new PolicySpec.LimitSpec(
                        config.limits().rpm(),
                        config.limits().tpm(),
                        config.limits().concurrent(),
                        config.limits().key());
        Decision.Cache cache = config.cacheScope() == null && config.cacheMode() == null
                ? null
                : new Decision.Cache(
                        config.cacheScope() == null ? Decision.Cache.DEFAULT.scope() : config.cacheScope(),
                        config.cacheMode() == null ? Decision.Cache.DEFAULT.mode() : config.cacheMode());
        return new PolicySpec(
                config.name(),
                config.when(),
                config.action().equals("deny"),
                config.message(),
                config.allowModels(),
                config.routes(),
                limits,
                cache,
                config.maxTokens(),
                config.budgetKey());
    }

    private static List<IssuerSettings> issuers(AuthConfig auth) {
        return auth.issuers().stream()
                .map(i -> new IssuerSettings(
                        i.issuer(),
                        i.jwksUrl(),
                        i.audiences(),
                        i.algorithms(),
                        i.clockSkew(),
                        i.subjectClaim(),
                        i.tenantClaim(),
                        i.tenant(),
                        i.groupsClaim(),
                        i.keysRefresh()))
                .toList();
    }

    private static List<ApiKey> apiKeys(AuthConfig auth) {
        return auth.apiKeys().stream()
                .map(k -> new ApiKey(
                        k.name(),
                        k.sha256(),
                        k.tenant(),
                        k.owner(),
                        k.groups(),
                        k.models(),
                        k.expiresAt(),
                        k.revoked()))
                .toList();
    }

    Authenticator authenticator() {
        return authenticator;
    }

    PolicyEngine policies() {
        return policies;
    }

    @Override
    public void close() throws Exception {
        if (resources != null) {
            resources.close();
        }
    }
}
