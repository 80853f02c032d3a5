package io.gatehouse.providers.gemini;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a Google service account JSON key that the JWT-bearer flow needs. Immutable; its
 * {@link #toString()} leaves the private key out (the JDK's RSA key prints its private exponent).
 *
 * @param clientEmail the service account, the assertion's issuer
 * @param privateKeyId the key's id, sent as the assertion's {@code kid}, if the file has one
 * @param privateKey the RSA key that signs the assertion
 * @param tokenUri where the assertion is exchanged for an access token
 */
record ServiceAccountKey(String clientEmail, @Nullable String privateKeyId, RSAPrivateKey privateKey, URI tokenUri) {
    static final URI DEFAULT_TOKEN_URI = URI.create("https://oauth2.googleapis.com/token");

    ServiceAccountKey {
        requireNonNull(clientEmail, "clientEmail");
        requireNonNull(privateKey, "privateKey");
        requireNonNull(tokenUri, "tokenUri");
    }

    /**
     * Reads a key file's content. Error messages name the field at fault and never quote the key.
     *
     * @throws IllegalArgumentException if it is not a usable service account key
     */
    static ServiceAccountKey parse(String json) {
        requireNonNull(json, "json");
        JsonNode key;
        try {
            key = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            key = null;
        }
        if (key == null || !key.isObject()) {
            throw new IllegalArgumentException("not JSON (expected: a Google service account key file)");
        }
        String type = key.path("type").asText("");
        if (!type.equals("service_account")) {
            throw new IllegalArgumentException(
                    "type: \"" + type + "\" (expected: \"service_account\"; create a key for a service account)");
        }
        String clientEmail = text(key, "client_email");
        if (clientEmail == null) {
            throw new IllegalArgumentException("client_email: missing (expected: the service account's e-mail)");
        }
        String pem = text(key, "private_key");
        if (pem == null) {
            throw new IllegalArgumentException("private_key: missing (expected: a PEM-encoded PKCS#8 RSA key)");
        }
        String tokenUri = text(key, "token_uri");
        return new ServiceAccountKey(
                clientEmail,
                text(key, "private_key_id"),
                rsaKey(pem),
                tokenUri == null ? DEFAULT_TOKEN_URI : httpUri(tokenUri));
    }

    private static @Nullable String text(JsonNode key, String field) {
        JsonNode value = key.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static RSAPrivateKey rsaKey(String pem) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("private_key: not a PEM-encoded PKCS#8 RSA private key");
        }
    }

    private static URI httpUri(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (("https".equals(scheme) || "http".equals(scheme)) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("token_uri: \"" + value + "\" (expected: an https:// URL)");
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[clientEmail=" + clientEmail + ", privateKeyId=" + privateKeyId + ", tokenUri="
                + tokenUri + "]";
    }
}
