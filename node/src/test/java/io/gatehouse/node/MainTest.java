package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, and configuration errors that stop the node before it serves. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpExplainsTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--config FILE")
                .contains("GATEHOUSE_HTTP_PORT");
    }

    @Test
    void anUnknownArgumentIsRefused() {
        assertThat(run("--port", "80")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument '--port'");
    }

    @Test
    void aMissingConfigFileIsAConfigurationError(@TempDir Path dir) {
        assertThat(run("--config", dir.resolve("nope.yaml").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("configuration error")
                .contains("no such file");
    }

    @Test
    void aPolicyThatDoesNotCompileStopsTheNodeWithTheCelError(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, """
                node: { http_port: 0, admin_port: 0 }
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: demo
                    deployments: [{ provider: mock }]
                policies:
                  - name: fine
                    when: "true"
                  - name: broken
                    when: "'eng' in principal.groups &&"
                """);

        assertThat(run("--config", config.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("configuration error: policies[1] (broken).when: ")
                .contains("1:");
    }
}
