package io.gatehouse.policy.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.util.Map;

/**
 * Fetches an issuer's public signing keys over HTTP(S), finding the JWKS URL through OIDC
 * discovery when it is not configured. Blocking: called only from the key refresh thread, never on
 * a request path. Thread-safe.
 */
class KeyFetcher {
    private static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final int READ_TIMEOUT_MS = 5_000;
    private static final int SIZE_LIMIT_BYTES = 512 * 1024;

    private final DefaultResourceRetriever http =
            new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES);

    /** The issuer's current public keys (private parts, if a JWKS wrongly has any, are dropped). */
    JWKSet fetch(IssuerSettings issuer) throws IOException {
        URI jwksUrl = issuer.jwksUrl() != null ? issuer.jwksUrl() : discover(issuer.issuer());
        Resource resource = http.retrieveResource(jwksUrl.toURL());
        try {
            return JWKSet.parse(resource.getContent()).toPublicJWKSet();
        } catch (ParseException e) {
            throw new IOException("the JWKS at " + jwksUrl + " is not a valid JWK set", e);
        }
    }

    private URI discover(String issuer) throws IOException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI discovery = URI.create(base + "/.well-known/openid-configuration");
        Resource resource = http.retrieveResource(discovery.toURL());
        try {
            Map<String, Object> document = JSONObjectUtils.parse(resource.getContent());
            Object jwksUri = document.get("jwks_uri");
            if (!(jwksUri instanceof String s)) {
                throw new IOException(discovery + " has no jwks_uri");
            }
            return URI.create(s);
        } catch (ParseException | IllegalArgumentException e) {
            throw new IOException(discovery + " is not a valid OpenID configuration", e);
        }
    }
}
