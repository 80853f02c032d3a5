package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.ProviderConfig;
import io.gatehouse.admin.config.Secret;
import io.gatehouse.providers.ChatProvider;
import io.gatehouse.providers.Credential;
import io.gatehouse.providers.HttpProvider;
import io.gatehouse.providers.Timeouts;
import io.gatehouse.providers.anthropic.AnthropicEndpoint;
import io.gatehouse.providers.anthropic.AnthropicTranslator;
import io.gatehouse.providers.bedrock.BedrockEndpoint;
import io.gatehouse.providers.bedrock.BedrockTranslator;
import io.gatehouse.providers.bedrock.SigV4Credential;
import io.gatehouse.providers.gemini.GeminiEndpoint;
import io.gatehouse.providers.gemini.GeminiTranslator;
import io.gatehouse.providers.gemini.GoogleServiceAccountCredential;
import io.gatehouse.providers.gemini.VertexEndpoint;
import io.gatehouse.providers.mock.MockProvider;
import io.gatehouse.providers.mock.MockSettings;
import io.gatehouse.providers.openai.AzureOpenAiEndpoint;
import io.gatehouse.providers.openai.OpenAiEndpoint;
import io.gatehouse.providers.openai.OpenAiTranslator;
import io.gatehouse.providers.tokens.TokenCounter;
import io.gatehouse.providers.transport.UpstreamClient;
import java.net.URI;
import java.time.Clock;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a provider from its configuration: translator, credential and transport. Owns what the
 * providers it built keep running in the background (token refreshes), which {@link #close()}
 * stops. Thread-safe.
 */
final class ProviderFactory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderFactory.class);

    private final UpstreamClient upstream;
    private final TokenCounter tokens;
    private final ScheduledExecutorService scheduler;
    /** The background work of each provider built, by provider (identity). */
    private final Map<ChatProvider, AutoCloseable> resources = Collections.synchronizedMap(new IdentityHashMap<>());

    ProviderFactory(UpstreamClient upstream, TokenCounter tokens, ScheduledExecutorService scheduler) {
        this.upstream = requireNonNull(upstream, "upstream");
        this.tokens = requireNonNull(tokens, "tokens");
        this.scheduler = requireNonNull(scheduler, "scheduler");
    }

    /** Stops the background work of {@code provider}, once no request uses it any more. */
    void retire(ChatProvider provider) {
        AutoCloseable resource = resources.remove(provider);
        if (resource != null) {
            close(resource);
        }
    }

    ChatProvider create(ProviderConfig config) {
        Timeouts timeouts = new Timeouts(config.firstByteTimeout(), config.idleTimeout());
        return switch (config.type()) {
            case "mock" -> {
                ProviderConfig.MockConfig mock = requireNonNull(config.mock(), "mock settings");
                yield new MockProvider(
                        config.name(),
                        new MockSettings(
                                mock.latency(), mock.streamChunks(), mock.chunkInterval(), mock.embeddingDimensions()),
                        tokens,
                        scheduler);
            }
            case "openai" -> {
                OpenAiTranslator translator = new OpenAiTranslator(true);
                yield new HttpProvider(
                        config.name(),
                        new OpenAiEndpoint(requireNonNull(config.baseUrl(), "base_url")),
                        bearer(config.apiKey()),
                        translator,
                        translator,
                        upstream,
                        timeouts);
            }
            case "azure-openai" -> {
                boolean perDeployment = config.apiVersion() != null;
                OpenAiTranslator translator = new OpenAiTranslator(!perDeployment);
                yield new HttpProvider(
                        config.name(),
                        new AzureOpenAiEndpoint(requireNonNull(config.baseUrl(), "base_url"), config.apiVersion()),
                        Credential.header(
                                "api-key",
                                requireNonNull(config.apiKey(), "api_key").reveal()),
                        translator,
                        translator,
                        upstream,
                        timeouts);
            }
            case "anthropic" ->
                new HttpProvider(
                        config.name(),
                        new AnthropicEndpoint(
                                requireNonNull(config.baseUrl(), "base_url"),
                                requireNonNull(config.apiVersion(), "anthropic_version")),
                        Credential.header(
                                "x-api-key",
                                requireNonNull(config.apiKey(), "api_key").reveal()),
                        new AnthropicTranslator(),
                        null,
                        upstream,
                        timeouts);
            case "gemini" -> {
                GeminiTranslator translator = new GeminiTranslator();
                yield new HttpProvider(
                        config.name(),
                        new GeminiEndpoint(requireNonNull(config.baseUrl(), "base_url")),
                        Credential.header(
                                "x-goog-api-key",
                                requireNonNull(config.apiKey(), "api_key").reveal()),
                        translator,
                        translator,
                        upstream,
                        timeouts);
            }
            case "vertex-ai" -> vertex(config, timeouts);
            case "bedrock" -> {
                ProviderConfig.AwsConfig aws = requireNonNull(config.aws(), "aws settings");
                URI baseUrl = config.baseUrl();
                Secret sessionToken = aws.sessionToken();
                yield new HttpProvider(
                        config.name(),
                        new BedrockEndpoint(baseUrl != null ? baseUrl : BedrockEndpoint.defaultBaseUrl(aws.region())),
                        new SigV4Credential(
                                aws.region(),
                                "bedrock",
                                aws.accessKeyId().reveal(),
                                aws.secretAccessKey().reveal(),
                                sessionToken == null ? null : sessionToken.reveal(),
                                Clock.systemUTC()),
                        new BedrockTranslator(),
                        null,
                        upstream,
                        timeouts);
            }
            default ->
                throw new IllegalArgumentException("providers." + config.name() + ".type: " + config.type()
                        + " (expected: one of " + ProviderConfig.TYPES + ")");
        };
    }

    /** A Vertex AI provider, whose service account token is refreshed in the background. */
    private ChatProvider vertex(ProviderConfig config, Timeouts timeouts) {
        ProviderConfig.VertexConfig vertex = requireNonNull(config.vertex(), "vertex settings");
        VertexEndpoint endpoint = new VertexEndpoint(config.baseUrl(), vertex.project(), vertex.location());
        GoogleServiceAccountCredential credential;
        try {
            credential = GoogleServiceAccountCredential.start(
                    config.name(), vertex.credentials().reveal(), upstream, scheduler);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "providers." + config.name() + ".credentials_file: " + e.getMessage(), e);
        }
        // Vertex AI embeds through :predict, another format: no embeddings translator (yet).
        ChatProvider provider =
                new HttpProvider(config.name(), endpoint, credential, new GeminiTranslator(), null, upstream, timeouts);
        resources.put(provider, credential);
        return provider;
    }

    /** Stops the background work of every provider built. */
    @Override
    public void close() {
        List<AutoCloseable> all;
        synchronized (resources) {
            all = List.copyOf(resources.values());
            resources.clear();
        }
        all.forEach(ProviderFactory::close);
    }

    private static void close(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            log.warn("could not close {}", resource, e);
        }
    }

    private static Credential bearer(Secret key) {
        return key == null ? Credential.NONE : Credential.bearer(key.reveal());
    }
}
