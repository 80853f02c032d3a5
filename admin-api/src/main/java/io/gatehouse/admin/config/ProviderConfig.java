package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One upstream provider (an entry of the {@code providers} key). Immutable.
 *
 * @param name how deployments refer to it
 * @param type the provider family, one of {@link #TYPES}
 * @param baseUrl where it is reached (null for {@code mock}, and for {@code bedrock} when the
 *     region's default endpoint applies)
 * @param apiKey its credential, if it needs one
 * @param apiVersion the API version the provider is asked for: Azure OpenAI's {@code api_version}
 *     (null for the v1 API), Anthropic's {@code anthropic_version}; null for other types
 * @param firstByteTimeout how long to wait for a response to begin
 * @param idleTimeout how long a response may stay silent once begun
 * @param mock the mock provider's behaviour (only for {@code mock})
 * @param vertex Vertex AI's project, location and service account key (only for {@code vertex-ai})
 * @param aws the region and credentials of AWS (only for {@code bedrock})
 */
public record ProviderConfig(
        String name,
        String type,
        @Nullable URI baseUrl,
        @Nullable Secret apiKey,
        @Nullable String apiVersion,
        Duration firstByteTimeout,
        Duration idleTimeout,
        @Nullable MockConfig mock,
        @Nullable VertexConfig vertex,
        @Nullable AwsConfig aws) {

    /** Provider types this version serves. */
    public static final java.util.List<String> TYPES =
            java.util.List.of("openai", "azure-openai", "anthropic", "gemini", "vertex-ai", "bedrock", "mock");

    public ProviderConfig {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
        requireNonNull(firstByteTimeout, "firstByteTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
    }

    /**
     * The mock provider's behaviour. Immutable.
     *
     * @param latency delay before the answer or first stream chunk
     * @param streamChunks content chunks per streamed answer
     * @param chunkInterval delay between stream chunks
     * @param embeddingDimensions default embedding vector size
     */
    public record MockConfig(Duration latency, int streamChunks, Duration chunkInterval, int embeddingDimensions) {
        public MockConfig {
            requireNonNull(latency, "latency");
            requireNonNull(chunkInterval, "chunkInterval");
        }
    }

    /**
     * Where a {@code vertex-ai} provider runs and how it authenticates. Immutable.
     *
     * @param project the Google Cloud project id
     * @param location the region, such as {@code us-central1}, or {@code global}
     * @param credentials the content of the service account's JSON key file
     */
    public record VertexConfig(String project, String location, Secret credentials) {
        public VertexConfig {
            requireNonNull(project, "project");
            requireNonNull(location, "location");
            requireNonNull(credentials, "credentials");
        }
    }

    /**
     * Where a {@code bedrock} provider runs and the AWS credentials that sign its requests.
     * Immutable; the credentials are {@link Secret}s, so {@link #toString()} shows only the region.
     *
     * @param region the AWS region, such as {@code us-east-1}
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     * @param sessionToken the session token of temporary credentials, if they are
     */
    public record AwsConfig(
            String region,
            Secret accessKeyId,
            Secret secretAccessKey,
            @Nullable Secret sessionToken) {
        public AwsConfig {
            requireNonNull(region, "region");
            requireNonNull(accessKeyId, "accessKeyId");
            requireNonNull(secretAccessKey, "secretAccessKey");
        }
    }
}
