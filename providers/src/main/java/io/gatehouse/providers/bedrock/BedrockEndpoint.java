package io.gatehouse.providers.bedrock;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Endpoint;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Bedrock runtime's URL layout: {@code {base_url}/model/{modelId}/converse} and {@code
 * .../converse-stream}, with the model id (a model id, inference profile id or ARN, which may hold
 * {@code :} and {@code /}) percent-encoded as one path segment, as AWS's SDKs send it. Immutable.
 */
public final class BedrockEndpoint implements Endpoint {
    private final String base;

    /** @param baseUrl such as {@code https://bedrock-runtime.us-east-1.amazonaws.com} */
    public BedrockEndpoint(URI baseUrl) {
        String url = requireNonNull(baseUrl, "baseUrl").toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The default runtime endpoint of {@code region}. */
    public static URI defaultBaseUrl(String region) {
        return URI.create("https://bedrock-runtime." + requireNonNull(region, "region") + ".amazonaws.com");
    }

    @Override
    public URI chat(String upstreamModel, boolean stream) {
        return URI.create(
                base + "/model/" + encodeSegment(upstreamModel) + (stream ? "/converse-stream" : "/converse"));
    }

    /** Bedrock deployments serve no embeddings here; the provider has no embeddings translator. */
    @Override
    public URI embeddings(String upstreamModel) {
        throw new UnsupportedOperationException("Bedrock deployments do not serve embeddings through Converse");
    }

    /** RFC 3986 percent-encoding of everything but unreserved characters. */
    static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length() + 8);
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
