package io.gatehouse.node;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.AuthConfig;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.admin.config.ModelConfig;
import io.gatehouse.admin.config.ProviderConfig;
import io.gatehouse.node.http.ActiveConfig;
import io.gatehouse.node.routing.ModelCatalog;
import io.gatehouse.node.routing.Route;
import io.gatehouse.node.routing.Target;
import io.gatehouse.node.semantic.PromptEmbedder;
import io.gatehouse.policy.Authenticator;
import io.gatehouse.policy.PolicyEngine;
import io.gatehouse.policy.auth.TokenAuthenticator;
import io.gatehouse.providers.ChatProvider;
import io.gatehouse.providers.EmbeddingProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the configuration the data plane runs and switches it whole: builds the next {@link
 * ActiveConfig} from a validated {@link GatewayConfig}, reusing the providers whose settings did not
 * change and the issuers' signing keys when only API keys changed, then swaps it in. Requests in
 * flight keep the one they started with; signing-key refresh of issuers no longer trusted stops
 * after {@code retireAfter}. A configuration whose cache matches prompts by meaning has the
 * embedding model loaded, in the background. Thread-safe: {@link #apply} calls are serialised.
 */
final class ConfigSwitch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigSwitch.class);

    private final ProviderFactory factory;
    private final ScheduledExecutorService scheduler;
    private final Duration retireAfter;
    private final PromptEmbedder embedder;
    private volatile @Nullable ActiveConfig active;
    private Map<ProviderConfig, ChatProvider> providers = Map.of();
    private @Nullable TokenAuthenticator issuersRoot;
    private List<AuthConfig.Issuer> trustedIssuers = List.of();

    ConfigSwitch(
            ProviderFactory factory,
            ScheduledExecutorService scheduler,
            Duration retireAfter,
            PromptEmbedder embedder) {
        this.factory = requireNonNull(factory, "factory");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.retireAfter = requireNonNull(retireAfter, "retireAfter");
        this.embedder = requireNonNull(embedder, "embedder");
    }

    /** The configuration running now. */
    ActiveConfig active() {
        return requireNonNull(active, "no configuration applied yet");
    }

    /**
     * Switches to {@code config} as config version {@code version}.
     *
     * @throws io.gatehouse.admin.config.ConfigException if a policy does not compile (nothing switched)
     */
    synchronized void apply(GatewayConfig config, long version) {
        PolicyEngine policies = AccessControl.policies(config.policies());
        if (config.policies() != null && !policies.remembersDecisions()) {
            log.info("policies read request.time or request.prompt_tokens (or request as a whole): every request"
                    + " is evaluated, and no decision is remembered");
        }
        Map<ProviderConfig, ChatProvider> nextProviders = new HashMap<>();
        for (ProviderConfig provider : config.providers()) {
            ChatProvider existing = providers.get(provider);
            nextProviders.put(provider, existing != null ? existing : factory.create(provider));
        }
        Authenticator authenticator = authenticator(config.auth());
        ActiveConfig next = new ActiveConfig(
                version, authenticator, policies, catalog(config, nextProviders), config.limits(), config.cache());
        for (Map.Entry<ProviderConfig, ChatProvider> old : providers.entrySet()) {
            if (!nextProviders.containsKey(old.getKey())) {
                ChatProvider retired = old.getValue();
                scheduler.schedule(() -> factory.retire(retired), retireAfter.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        providers = Map.copyOf(nextProviders);
        active = next;
        if (matchesByMeaning(config)) {
            embedder.prepare();
        }
    }

    /** Whether {@code config} caches answers and a policy of it matches prompts by meaning. */
    private static boolean matchesByMeaning(GatewayConfig config) {
        return config.cache().enabled()
                && config.policies() != null
                && config.policies().stream().anyMatch(policy -> "semantic".equals(policy.cacheMode()));
    }

    /** Compiles {@code config}'s policies, as {@link #apply} would, without switching. */
    static void check(GatewayConfig config) {
        AccessControl.policies(config.policies());
    }

    private Authenticator authenticator(@Nullable AuthConfig auth) {
        if (auth == null || auth.isEmpty()) {
            retireIssuers();
            return Authenticator.openAccess();
        }
        if (issuersRoot != null && auth.issuers().equals(trustedIssuers)) {
            return issuersRoot.withApiKeys(AccessControl.apiKeys(auth));
        }
        retireIssuers();
        issuersRoot =
                TokenAuthenticator.start(AccessControl.issuers(auth), AccessControl.apiKeys(auth), Clock.systemUTC());
        trustedIssuers = auth.issuers();
        return issuersRoot;
    }

    /** Stops the old issuers' key refresh once requests that may still use it are done. */
    private void retireIssuers() {
        TokenAuthenticator retired = issuersRoot;
        issuersRoot = null;
        trustedIssuers = List.of();
        if (retired != null) {
            scheduler.schedule(retired::close, retireAfter.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static ModelCatalog catalog(GatewayConfig config, Map<ProviderConfig, ChatProvider> built) {
        Map<String, ChatProvider> byName = new HashMap<>();
        built.forEach((settings, provider) -> byName.put(settings.name(), provider));
        List<Route> routes = new ArrayList<>();
        for (ModelConfig model : config.models()) {
            List<Target> targets = new ArrayList<>();
            for (ModelConfig.Deployment deployment : model.deployments()) {
                ChatProvider provider = byName.get(deployment.provider());
                targets.add(new Target(
                        provider,
                        provider instanceof EmbeddingProvider embeddings ? embeddings : null,
                        deployment.model(),
                        deployment.weight(),
                        deployment.rpm(),
                        deployment.tpm()));
            }
            routes.add(new Route(model.name(), targets));
        }
        return new ModelCatalog(routes);
    }

    @Override
    public synchronized void close() {
        if (issuersRoot != null) {
            issuersRoot.close();
        }
        log.debug("configuration switch closed");
    }
}
