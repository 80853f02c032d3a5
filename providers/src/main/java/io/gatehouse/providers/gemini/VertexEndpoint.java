package io.gatehouse.providers.gemini;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.Endpoint;
import java.net.URI;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Vertex AI's URL layout for Google's models: {@code
 * https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent}
 * (and {@code :streamGenerateContent?alt=sse}); the {@code global} location is served from {@code
 * https://aiplatform.googleapis.com}. Immutable.
 */
public final class VertexEndpoint implements Endpoint {
    /** A location becomes part of a host name, so only what Google's region names use is accepted. */
    private static final Pattern LOCATION = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final String models;

    /**
     * @param baseUrl the API root to use instead of the location's own host (for private endpoints
     *     and tests), or null
     * @param project the Google Cloud project id
     * @param location the region, such as {@code us-central1}, or {@code global}
     */
    public VertexEndpoint(@Nullable URI baseUrl, String project, String location) {
        requireNonNull(project, "project");
        requireNonNull(location, "location");
        if (project.isBlank()) {
            throw new IllegalArgumentException("project: empty (expected: a Google Cloud project id)");
        }
        if (!LOCATION.matcher(location).matches()) {
            throw new IllegalArgumentException(
                    "location: \"" + location + "\" (expected: a Google Cloud region such as us-central1, or global)");
        }
        String root;
        if (baseUrl != null) {
            root = GoogleUrls.stripTrailingSlash(baseUrl.toString());
        } else if (location.equals("global")) {
            root = "https://aiplatform.googleapis.com";
        } else {
            root = "https://" + location + "-aiplatform.googleapis.com";
        }
        this.models = root
                + "/v1/projects/"
                + GoogleUrls.segment(project)
                + "/locations/"
                + location
                + "/publishers/google/models/";
    }

    @Override
    public URI chat(String upstreamModel, boolean stream) {
        return URI.create(models
                + GoogleUrls.segment(GoogleUrls.modelId(upstreamModel))
                + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent"));
    }

    /** Vertex AI embeds through {@code :predict}, which this adapter does not translate (yet). */
    @Override
    public URI embeddings(String upstreamModel) {
        return URI.create(models + GoogleUrls.segment(GoogleUrls.modelId(upstreamModel)) + ":predict");
    }
}
