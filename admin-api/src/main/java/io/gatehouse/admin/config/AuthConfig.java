package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may call the data plane (the {@code auth} key): trusted SSO token issuers and gateway API
 * keys. Immutable.
 */
public record AuthConfig(List<Issuer> issuers, List<ApiKey> apiKeys) {

    public AuthConfig {
        issuers = List.copyOf(issuers);
        apiKeys = List.copyOf(apiKeys);
    }

    /** Whether any credential is configured at all. */
    public boolean isEmpty() {
        return issuers.isEmpty() && apiKeys.isEmpty();
    }

    /**
     * A trusted JWT issuer ({@code auth.jwt.issuers[]}). Immutable. See {@code IssuerSettings} in the
     * policy engine for the meaning of each field.
     */
    public record Issuer(
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
        public Issuer {
            requireNonNull(issuer, "issuer");
            audiences = Set.copyOf(audiences);
            algorithms = List.copyOf(algorithms);
        }
    }

    /**
     * A gateway API key ({@code auth.api_keys[]}), kept only as its SHA-256 hash. Immutable.
     *
     * @param sha256 lowercase hex SHA-256 of the key
     */
    public record ApiKey(
            String name,
            String sha256,
            String tenant,
            String owner,
            Set<String> groups,
            Set<String> models,
            @Nullable Instant expiresAt,
            boolean revoked) {
        public ApiKey {
            requireNonNull(name, "name");
            requireNonNull(sha256, "sha256");
            groups = Set.copyOf(groups);
            models = Set.copyOf(models);
        }
    }
}
