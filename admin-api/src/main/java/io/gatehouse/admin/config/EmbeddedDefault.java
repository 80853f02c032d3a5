package io.gatehouse.admin.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The configuration a node runs when started without {@code --config}: loopback only, model {@code
 * demo} from the built-in mock provider, no credentials. When {@code OPENAI_API_KEY} is set, the
 * provider {@code openai} and its models are added. The document is {@code default-config.yaml}
 * beside this class.
 */
public final class EmbeddedDefault {
    private EmbeddedDefault() {}

    /** The default configuration under {@code env}. */
    public static GatewayConfig load(Function<String, @Nullable String> env) {
        ConfigLoader loader = new ConfigLoader(env);
        GatewayConfig base = loader.parse(resource("default-config.yaml"), "embedded default");
        String key = env.apply("OPENAI_API_KEY");
        if (key == null || key.isBlank()) {
            return base;
        }
        GatewayConfig openai = loader.parse(resource("default-openai.yaml"), "embedded default");
        List<ProviderConfig> providers = new ArrayList<>(base.providers());
        providers.addAll(openai.providers());
        List<ModelConfig> models = new ArrayList<>(base.models());
        models.addAll(openai.models());
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
