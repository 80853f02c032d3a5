package io.gatehouse.bench.latency;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import java.net.URI;
import org.xnio.Options;

/**
 * Undertow's own reverse proxy, as a reference system of the side-by-side harness: the HTTP server
 * Gatehouse is built on, with its stock proxy handler and nothing else. What it adds to a call is
 * what the building block costs before any of Gatehouse's work; nginx's figure beside it is what a
 * bare proxy costs. It runs with the nodes' JVM options and the node's server settings (I/O
 * threads, keep-alive, {@code TCP_NODELAY}).
 *
 * <pre>java ... io.gatehouse.bench.latency.UndertowProxy PORT UPSTREAM_BASE_URI</pre>
 */
public final class UndertowProxy {
    private UndertowProxy() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: UndertowProxy PORT UPSTREAM_BASE_URI");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        URI upstream = URI.create(args[1]);
        // As nginx's upstream block: up to 256 kept-alive connections, and a call waits for one
        // rather than being refused when all are busy. A host takes these settings when it is
        // added, so they come first.
        LoadBalancingProxyClient upstreams = new LoadBalancingProxyClient()
                .setConnectionsPerThread(256)
                .setSoftMaxConnectionsPerThread(256)
                .setMaxQueueSize(4096)
                .addHost(upstream);
        Undertow server = Undertow.builder()
                .setIoThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .setSocketOption(Options.TCP_NODELAY, true)
                .addHttpListener(
                        port,
                        "127.0.0.1",
                        ProxyHandler.builder()
                                .setProxyClient(upstreams)
                                .setMaxRequestTime(60_000)
                                .build())
                .build();
        server.start();
        // XNIO's I/O threads keep the JVM running until the harness stops the process.
        System.out.printf("Undertow proxy on 127.0.0.1:%d to %s%n", port, upstream);
    }
}
