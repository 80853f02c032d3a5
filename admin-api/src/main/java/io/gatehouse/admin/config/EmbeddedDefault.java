package io.gatehouse.admin.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The configuration a node runs when started without {@code --config}: loopback only, model {@code
 * demo} from the built-in mock provider, no credentials. For each real provider whose API key is
 * set ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}), that provider and its models are added.
 * The documents are {@code default-config.yaml} and {@code default-<provider>.yaml} beside this
 * class.
 */
public final class EmbeddedDefault {
    /** The environment variable that enables each provider's document, in the order they are added. */
    private static final Map<String, String> PROVIDER_DOCUMENTS = new LinkedHashMap<>();

    static {
        PROVIDER_DOCUMENTS.put("OPENAI_API_KEY", "default-openai.yaml");
        PROVIDER_DOCUMENTS.put("ANTHROPIC_API_KEY", "default-anthropic.yaml");
    }

    private EmbeddedDefault() {}

    /** The default configuration under {@code env}. */
    public static GatewayConfig load(Function<String, @Nullable String> env) {
        ConfigLoader loader = new ConfigLoader(env);
        GatewayConfig base = loader.parse(resource("default-config.yaml"), "embedded default");
        List<ProviderConfig> providers = new ArrayList<>(base.providers());
        List<ModelConfig> models = new ArrayList<>(base.models());
        PROVIDER_DOCUMENTS.forEach((variable, document) -> {
            String key = env.apply(variable);
            if (key != null && !key.isBlank()) {
                GatewayConfig added = loader.parse(resource(document), "embedded default");
                providers.addAll(added.providers());
                models.addAll(added.models());
            }
        });
        return new GatewayConfig(base.node(), providers, models, base.auth(), base.policies());
    }

    private static byte[] resource(String name) {
        try (InputStream in = EmbeddedDefault.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
