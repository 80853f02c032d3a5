package io.gatehouse.policy.auth;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One trusted token issuer. Immutable.
 *
 * @param issuer the exact {@code iss} value its tokens carry
 * @param jwksUrl where its signing keys are published; null to find them through OIDC discovery
 *     ({@code {issuer}/.well-known/openid-configuration})
 * @param audiences accepted {@code aud} values; empty accepts tokens without an audience check
 * @param algorithms accepted signature algorithms (asymmetric only, e.g. RS256, ES256)
 * @param clockSkew tolerance for {@code exp} and {@code nbf}
 * @param subjectClaim claim path of the subject, e.g. {@code sub}
 * @param tenantClaim claim path of the tenant, or null to use {@code tenant}
 * @param tenant the tenant of every token from this issuer when {@code tenantClaim} is null or absent
 * @param groupsClaim claim path of the groups, e.g. {@code groups} or {@code realm_access.roles}
 * @param keysRefresh how often keys are fetched again in the background
 */
public record IssuerSettings(
        String issuer,
        @Nullable URI jwksUrl,
        Set<String> audiences,
        List<String> algorithms,
        Duration clockSkew,
        String subjectClaim,
        @Nullable String tenantClaim,
        String tenant,
        String groupsClaim,
        Duration keysRefresh) {

    public IssuerSettings {
        requireNonNull(issuer, "issuer");
        audiences = Set.copyOf(audiences);
        algorithms = List.copyOf(algorithms);
        requireNonNull(clockSkew, "clockSkew");
        requireNonNull(subjectClaim, "subjectClaim");
        requireNonNull(tenant, "tenant");
        requireNonNull(groupsClaim, "groupsClaim");
        requireNonNull(keysRefresh, "keysRefresh");
    }
}
