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
import io.gatehouse.providers.mock.MockProvider;
import io.gatehouse.providers.mock.MockSettings;
import io.gatehouse.providers.openai.AzureOpenAiEndpoint;
import io.gatehouse.providers.openai.OpenAiEndpoint;
import io.gatehouse.providers.openai.OpenAiTranslator;
import io.gatehouse.providers.tokens.TokenCounter;
import io.gatehouse.providers.transport.UpstreamClient;
import java.util.concurrent.ScheduledExecutorService;

/** Builds a provider from its configuration: translator, credential and transport. Thread-safe. */
final class ProviderFactory {
    private final UpstreamClient upstream;
    private final TokenCounter tokens;
    private final ScheduledExecutorService scheduler;

    ProviderFactory(UpstreamClient upstream, TokenCounter tokens, ScheduledExecutorService scheduler) {
        this.upstream = requireNonNull(upstream, "upstream");
        this.tokens = requireNonNull(tokens, "tokens");
        this.scheduler = requireNonNull(scheduler, "scheduler");
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
            default ->
                throw new IllegalArgumentException("providers." + config.name() + ".type: " + config.type()
                        + " (expected: one of " + ProviderConfig.TYPES + ")");
        };
    }

    private static Credential bearer(Secret key) {
        return key == null ? Credential.NONE : Credential.bearer(key.reveal());
    }
}
