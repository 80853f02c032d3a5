package io.gatehouse.node.testing;

import io.gatehouse.admin.config.ConfigLoader;
import io.gatehouse.admin.config.GatewayConfig;
import io.gatehouse.node.Node;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Starts nodes in the test JVM from YAML, on free ports, with a controlled environment. */
public final class TestNodes {
    private TestNodes() {}

    /** Starts a node from {@code yaml}; {@code node.http_port} and {@code admin_port} default to 0 (free). */
    public static Node start(String yaml) {
        return start(yaml, Map.of());
    }

    public static Node start(String yaml, Map<String, String> env) {
        GatewayConfig config =
                new ConfigLoader(env::get).parse(withFreePorts(yaml).getBytes(StandardCharsets.UTF_8), "test");
        return Node.start(config, env::get);
    }

    private static String withFreePorts(String yaml) {
        if (yaml.contains("node:")) {
            return yaml;
        }
        return """
                node:
                  name: test-node
                  http_port: 0
                  admin_port: 0
                  shutdown_grace: 5s
                """ + yaml;
    }

    /** The data plane base URL of {@code node}. */
    public static String baseUrl(Node node) {
        return "http://127.0.0.1:" + node.httpPort();
    }
}
