package io.gatehouse.policy.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.gatehouse.policy.Principal;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies tokens of one issuer with Nimbus JOSE: the signature against the issuer's published keys
 * only (keys or key URLs carried in the token's own {@code jwk}, {@code jku}, {@code x5u} headers are
 * never used), an algorithm from the allow-list (so {@code none} and HMAC are refused), {@code typ}
 * {@code JWT} or {@code at+jwt}, unknown {@code crit} headers refused, {@code iss} exact, {@code aud}
 * among the accepted, {@code exp} required, {@code exp}/{@code nbf} within the clock skew. Then maps
 * the claims to a {@link Principal}. Thread-safe.
 */
final class IssuerVerifier {
    private final IssuerSettings settings;
    private final IssuerKeys keys;
    private final DefaultJWTProcessor<SecurityContext> processor;

    IssuerVerifier(IssuerSettings settings, IssuerKeys keys) {
        this.settings = requireNonNull(settings, "settings");
        this.keys = requireNonNull(keys, "keys");
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        for (String name : settings.algorithms()) {
            algorithms.add(JWSAlgorithm.parse(name));
        }
        processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(
                new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(algorithms, (selector, context) -> selector.select(keys.current())));
        Set<String> required = new HashSet<>(Set.of("exp", "iss"));
        if (!settings.audiences().isEmpty()) {
            required.add("aud");
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audiences().isEmpty() ? null : settings.audiences(),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                required,
                null);
        claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    IssuerKeys keys() {
        return keys;
    }

    /** Whether the token names a key id this issuer's current key set lacks. */
    boolean hasUnknownKeyId(SignedJWT jwt) {
        String kid = jwt.getHeader().getKeyID();
        return kid != null && keys.current().getKeyByKeyId(kid) == null;
    }

    /**
     * Verifies {@code jwt} and returns its principal.
     *
     * @throws BadJOSEException or JOSEException if the token must be refused
     */
    Principal verify(SignedJWT jwt) throws BadJOSEException, JOSEException {
        JWTClaimsSet claims = processor.process(jwt, null);
        Map<String, Object> values = normalise(claims.getClaims());
        String subject = ClaimPaths.string(values, settings.subjectClaim());
        if (subject == null) {
            throw new BadJOSEException("no subject claim " + settings.subjectClaim());
        }
        String tenant = settings.tenantClaim() == null ? null : ClaimPaths.string(values, settings.tenantClaim());
        return new Principal(
                subject,
                tenant == null ? settings.tenant() : tenant,
                ClaimPaths.strings(values, settings.groupsClaim()),
                values,
                Set.of());
    }

    /** Dates become epoch seconds and nested values plain maps and lists, as policies expect. */
    private static Map<String, Object> normalise(Map<String, Object> claims) {
        Map<String, Object> result = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            Object normalised = normaliseValue(value);
            if (normalised != null) {
                result.put(name, normalised);
            }
        });
        return result;
    }

    private static Object normaliseValue(Object value) {
        if (value instanceof Date date) {
            return date.getTime() / 1000;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object normalised = v == null ? null : normaliseValue(v);
                if (normalised != null) {
                    result.put(String.valueOf(k), normalised);
                }
            });
            return Map.copyOf(result);
        }
        if (value instanceof List<?> list) {
            return list.stream()
                    .filter(v -> v != null)
                    .map(IssuerVerifier::normaliseValue)
                    .toList();
        }
        return value;
    }
}
