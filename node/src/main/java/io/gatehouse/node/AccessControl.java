package io.gatehouse.node;

import io.gatehouse.admin.config.AuthConfig;
import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.config.PolicyConfig;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.policy.PolicyException;
import io.gatehouse.policy.PolicySpec;
import io.gatehouse.policy.auth.ApiKey;
import io.gatehouse.policy.auth.IssuerSettings;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who may call and what they may do, from the {@code auth} and {@code policies} config keys: the
 * compiled policies and the authenticator's settings. Stateless.
 */
final class AccessControl {
    private AccessControl() {}

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

    static List<IssuerSettings> issuers(AuthConfig auth) {
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

    static List<ApiKey> apiKeys(AuthConfig auth) {
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
}
