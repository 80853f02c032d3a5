package io.gatehouse.node;

import ch.qos.logback.classic.LoggerContext;
import io.gatehouse.admin.config.ConfigException;
import io.gatehouse.admin.config.ConfigLoader;
import io.gatehouse.admin.config.EmbeddedDefault;
import io.gatehouse.admin.config.GatewayConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The process entry point: reads the configuration, starts a node, and drains it on SIGTERM. */
public final class Main {
    private static final String USAGE = """
            Usage: gatehouse [--config FILE]

            Runs one Gatehouse node.

              --config FILE   the YAML configuration to run (see docs/configuration.md).
                              Without it the node runs the embedded default: loopback only,
                              model 'demo' from the built-in mock provider, no credentials.
              --help          shows this text.
              --version       shows the version.

            Environment overrides: GATEHOUSE_HTTP_PORT, GATEHOUSE_ADMIN_PORT,
            GATEHOUSE_BIND_ADDRESS, GATEHOUSE_NODE_NAME, GATEHOUSE_DATA_DIR,
            GATEHOUSE_ADMIN_TOKEN, GATEHOUSE_CLUSTER_PORT, GATEHOUSE_CLUSTER_MEMBERS.
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns a process exit code, or blocks while the node serves. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--version" -> {
                    out.println("gatehouse " + Node.version());
                    return 0;
                }
                case "--config" -> {
                    if (i + 1 >= args.length) {
                        err.println("gatehouse: --config needs a file name");
                        return 2;
                    }
                    configFile = Path.of(args[++i]);
                }
                default -> {
                    err.println("gatehouse: unknown argument '" + args[i] + "'");
                    err.print(USAGE);
                    return 2;
                }
            }
        }
        GatewayConfig config;
        try {
            config = configFile == null
                    ? EmbeddedDefault.load(System::getenv)
                    : new ConfigLoader(System::getenv).load(configFile);
        } catch (ConfigException e) {
            err.println("gatehouse: configuration error: " + e.getMessage());
            return 2;
        }
        Node node;
        try {
            node = Node.start(config);
        } catch (ConfigException e) {
            err.println("gatehouse: configuration error: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("gatehouse: could not start: " + describe(e));
            return 1;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            node.stop();
                            // Writes the access log lines still queued; the writer thread is a daemon.
                            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
                                logging.stop();
                            }
                        },
                        "gatehouse-shutdown"));
        Logger log = LoggerFactory.getLogger(Main.class);
        log.debug("main thread done; serving until stopped");
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return "a port is already in use (" + t.getMessage()
                        + "); set GATEHOUSE_HTTP_PORT / GATEHOUSE_ADMIN_PORT or stop the other process";
            }
        }
        return e.toString();
    }
}
