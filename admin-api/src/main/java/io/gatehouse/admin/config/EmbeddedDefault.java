package io.gatehouse.admin.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
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

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static {
        REAL_PROVIDERS.put("OPENAI_API_KEY", "default-openai.yaml");
        REAL_PROVIDERS.put("ANTHROPIC_API_KEY", "default-anthropic.yaml");
        REAL_PROVIDERS.put("GEMINI_API_KEY", "default-gemini.yaml");
    }

    private EmbeddedDefault() {}

    /** The default configuration under {@code env}. */
    public static GatewayConfig load(Function<String, @Nullable String> env) {
        ObjectNode document = yaml(resource("default-config.yaml"));
        for (Map.Entry<String, String> real : REAL_PROVIDERS.entrySet()) {
            String key = env.apply(real.getKey());
            if (key == null || key.isBlank()) {
                continue;
            }
            ObjectNode added = yaml(resource(real.getValue()));
            for (String section : List.of("providers", "models")) {
                ((ArrayNode) document.withArray(section)).addAll((ArrayNode) added.withArray(section));
            }
        }
        try {
            return new ConfigLoader(env).parse(YAML.writeValueAsBytes(document), "embedded default");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the embedded default", e);
        }
    }

    private static ObjectNode yaml(byte[] document) {
        try {
            return (ObjectNode) YAML.readTree(document);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded default is not valid YAML", e);
        }
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
