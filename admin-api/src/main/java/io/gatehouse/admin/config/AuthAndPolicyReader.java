package io.gatehouse.admin.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the {@code auth} and {@code policies} keys. */
final class AuthAndPolicyReader {
    /** Asymmetric algorithms only: issuers publish public keys, so HMAC would mean key confusion. */
    static final List<String> ALGORITHMS =
            List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final int MIN_KEY_CHARS = 24;

    private AuthAndPolicyReader() {}

    static AuthConfig readAuth(ConfigNode auth, Set<String> models) {
        auth.allowOnly(Set.of("jwt", "api_keys"));
        List<AuthConfig.Issuer> issuers = new ArrayList<>();
        ConfigNode jwt = auth.optionalObject("jwt");
        if (jwt != null) {
            jwt.allowOnly(Set.of("issuers"));
            Set<String> seen = new HashSet<>();
            for (ConfigNode item : jwt.objects("issuers")) {
                AuthConfig.Issuer issuer = readIssuer(item);
                if (!seen.add(issuer.issuer())) {
                    throw new ConfigException(item.path() + ".issuer: \"" + issuer.issuer() + "\" is listed twice");
                }
                issuers.add(issuer);
            }
        }
        List<AuthConfig.ApiKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode item : auth.objects("api_keys")) {
            AuthConfig.ApiKey key = readApiKey(item);
            requireModels(item.path() + ".models", List.copyOf(key.models()), models);
            if (!names.add(key.name())) {
                throw new ConfigException(item.path() + ".name: \"" + key.name() + "\" is already used by another key");
            }
            keys.add(key);
        }
        return new AuthConfig(issuers, keys);
    }

    private static AuthConfig.Issuer readIssuer(ConfigNode item) {
        item.allowOnly(Set.of(
                "issuer",
                "jwks_url",
                "audiences",
                "algorithms",
                "clock_skew",
                "subject_claim",
                "tenant_claim",
                "tenant",
                "groups_claim",
                "keys_refresh"));
        String issuer = item.string("issuer");
        URI jwksUrl = item.optionalHttpUrl("jwks_url");
        List<String> algorithms = item.strings("algorithms");
        if (algorithms.isEmpty()) {
            algorithms = List.of("RS256", "ES256");
        }
        for (int i = 0; i < algorithms.size(); i++) {
            if (!ALGORITHMS.contains(algorithms.get(i))) {
                throw new ConfigException(item.path() + ".algorithms[" + i + "]: \"" + algorithms.get(i)
                        + "\" (expected: one of " + String.join(", ", ALGORITHMS) + ")");
            }
        }
        return new AuthConfig.Issuer(
                issuer,
                jwksUrl,
                new LinkedHashSet<>(item.strings("audiences")),
                algorithms,
                item.duration("clock_skew", Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(10)),
                item.string("subject_claim", "sub"),
                item.optionalString("tenant_claim"),
                item.string("tenant", "default"),
                item.string("groups_claim", "groups"),
                item.duration("keys_refresh", Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofDays(1)));
    }

    private static AuthConfig.ApiKey readApiKey(ConfigNode item) {
        item.allowOnly(
                Set.of("name", "key", "key_sha256", "tenant", "owner", "groups", "models", "expires_at", "revoked"));
        String name = item.string("name");
        String key = item.optionalString("key");
        String hash = item.optionalString("key_sha256");
        if ((key == null) == (hash == null)) {
            throw new ConfigException(item.path() + ": exactly one of key or key_sha256 is required");
        }
        if (key != null && key.length() < MIN_KEY_CHARS) {
            throw new ConfigException(item.path() + ".key: " + key.length() + " characters (expected: at least "
                    + MIN_KEY_CHARS + "; generate one with `openssl rand -hex 32`)");
        }
        if (hash != null && !SHA256_HEX.matcher(hash).matches()) {
            throw new ConfigException(item.path() + ".key_sha256: (expected: 64 lowercase hex digits)");
        }
        return new AuthConfig.ApiKey(
                name,
                hash != null ? hash : sha256(key),
                item.string("tenant", "default"),
                item.string("owner", name),
                new LinkedHashSet<>(item.strings("groups")),
                new LinkedHashSet<>(item.strings("models")),
                item.optionalInstant("expires_at"),
                item.bool("revoked", false));
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<PolicyConfig> readPolicies(List<ConfigNode> items, Set<String> models) {
        List<PolicyConfig> policies = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode item : items) {
            item.allowOnly(Set.of(
                    "name",
                    "when",
                    "action",
                    "message",
                    "allow_models",
                    "route",
                    "limits",
                    "cache",
                    "max_tokens",
                    "budget_key"));
            String name = item.string("name");
            if (!names.add(name)) {
                throw new ConfigException(item.path() + ".name: \"" + name + "\" is already used by another policy");
            }
            List<String> allowModels = item.strings("allow_models");
            requireModels(item.path() + ".allow_models", allowModels, models);
            var routes = item.stringMap("route");
            for (var route : routes.entrySet()) {
                if (!models.contains(route.getValue())) {
                    throw new ConfigException(item.path() + ".route." + route.getKey() + ": \"" + route.getValue()
                            + "\" (expected: the name of a configured model)");
                }
            }
            PolicyConfig.Limits limits = null;
            ConfigNode limitNode = item.optionalObject("limits");
            if (limitNode != null) {
                limitNode.allowOnly(Set.of("rpm", "tpm", "concurrent", "key"));
                limits = new PolicyConfig.Limits(
                        optionalPositive(limitNode, "rpm"),
                        optionalPositive(limitNode, "tpm"),
                        optionalPositive(limitNode, "concurrent"),
                        limitNode.string("key", "principal.subject"));
            }
            String cacheScope = null;
            String cacheMode = null;
            ConfigNode cache = item.optionalObject("cache");
            if (cache != null) {
                cache.allowOnly(Set.of("scope", "mode"));
                cacheScope = cache.has("scope") ? cache.oneOf("scope", List.of("tenant", "subject")) : null;
                cacheMode = cache.has("mode") ? cache.oneOf("mode", List.of("exact", "semantic", "off")) : null;
            }
            Long maxTokens = optionalPositive(item, "max_tokens");
            policies.add(new PolicyConfig(
                    name,
                    item.string("when"),
                    item.has("action") ? item.oneOf("action", List.of("allow", "deny")) : "allow",
                    item.optionalString("message"),
                    allowModels,
                    routes,
                    limits,
                    cacheScope,
                    cacheMode,
                    maxTokens == null ? null : Math.toIntExact(Math.min(maxTokens, Integer.MAX_VALUE)),
                    item.optionalString("budget_key")));
        }
        return policies;
    }

    /** Names that must be configured models, so a typo cannot silently hide a model. */
    static void requireModels(String path, List<String> names, Set<String> models) {
        for (int i = 0; i < names.size(); i++) {
            if (!models.contains(names.get(i))) {
                throw new ConfigException(
                        path + "[" + i + "]: \"" + names.get(i) + "\" (expected: the name of a configured model)");
            }
        }
    }

    private static Long optionalPositive(ConfigNode node, String key) {
        return node.has(key) ? node.integer(key, 1, 1, Long.MAX_VALUE) : null;
    }
}
