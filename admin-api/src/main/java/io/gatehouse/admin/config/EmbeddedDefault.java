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
 * demo} from the built-in mock provider, no credentials. When a real provider's key is set ({@code
 * OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code GEMINI_API_KEY}), that provider and its models are added. The documents
 * are {@code default-config.yaml} and {@code default-<provider>.yaml} beside this class.
 */
public final class EmbeddedDefault {
    /** Each real provider's key variable and the document added when it is set, in order. */
    private static final Map<String, String> REAL_PROVIDERS = new LinkedHashMap<>();

    static {
        REAL_PROVIDERS.put("OPENAI_API_KEY", "default-openai.yaml");
        REAL_PROVIDERS.put("ANTHROPIC_API_KEY", "default-anthropic.yaml");
        REAL_PROVIDERS.put("GEMINI_API_KEY", "default-gemini.yaml");
    }

    private EmbeddedDefault() {}

    /** The default configuration under {@code env}. */
    public static GatewayConfig load(Function<String, @Nullable String> env) {
        ConfigLoader loader = new ConfigLoader(env);
        GatewayConfig base = loader.parse(resource("default-config.yaml"), "embedded default");
        List<ProviderConfig> providers = new ArrayList<>(base.providers());
        List<ModelConfig> models = new ArrayList<>(base.models());
        for (Map.Entry<String, String> real : REAL_PROVIDERS.entrySet()) {
            String key = env.apply(real.getKey());
            if (key == null || key.isBlank()) {
                continue;
            }
            GatewayConfig added = loader.parse(resource(real.getValue()), "embedded default");
            providers.addAll(added.providers());
            models.addAll(added.models());
        }
        return new GatewayConfig(
                base.node(), providers, models, base.auth(), base.policies(), base.cluster(), base.limits());
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
