package io.gatehouse.bench.latency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * nginx as the harness runs it: a generated config in a directory of its own (not the system
 * service), in the foreground, as a plain HTTP/1.1 reverse proxy with keep-alive connections to its
 * upstream servers (round robin when there are several) and no response buffering, so streams pass
 * event by event. Its settings are nginx's defaults except where a benchmark needs otherwise:
 * workers = cores, long keep-alive on both sides, buffering off. Stateless apart from a port
 * registry; thread-safe.
 */
final class Nginx {
    private static final Map<ServiceProcess, Integer> PORTS = new ConcurrentHashMap<>();

    private Nginx() {}

    /** Starts nginx listening on {@code 127.0.0.1:port} in front of {@code upstreams} (host:port). */
    static ServiceProcess start(
            AddedLatency.Settings base, String name, String binary, int port, List<String> upstreams)
            throws IOException {
        Path prefix = base.workDir().resolve(name);
        for (String dir : List.of("logs", "tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi")) {
            Files.createDirectories(prefix.resolve(dir));
        }
        String config = config(prefix, port, upstreams);
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, config);
        Files.writeString(base.outFile("-" + name + ".conf"), config);
        ServiceProcess process = ServiceProcess.start(
                name,
                List.of(binary, "-p", prefix + "/", "-c", file.toString(), "-e", prefix + "/logs/error.log"),
                prefix,
                Map.of(),
                base.outFile("-" + name + ".log"),
                base.workDir().resolve("pids"));
        PORTS.put(process, port);
        System.out.printf("started %s: %s%n", name, String.join(" ", process.command()));
        return process;
    }

    static int port(ServiceProcess nginx) {
        return PORTS.get(nginx);
    }

    static String config(Path prefix, int port, List<String> upstreams) {
        StringBuilder servers = new StringBuilder();
        for (String upstream : upstreams) {
            servers.append("    server ").append(upstream).append(";\n");
        }
        return "daemon off;\n"
                + "worker_processes auto;\n"
                + "pid " + prefix + "/nginx.pid;\n"
                + "error_log " + prefix + "/logs/error.log warn;\n"
                + "events {\n"
                + "  worker_connections 4096;\n"
                + "}\n"
                + "http {\n"
                + "  access_log " + prefix + "/logs/access.log;\n"
                + "  client_body_temp_path " + prefix + "/tmp/body;\n"
                + "  proxy_temp_path " + prefix + "/tmp/proxy;\n"
                + "  fastcgi_temp_path " + prefix + "/tmp/fastcgi;\n"
                + "  uwsgi_temp_path " + prefix + "/tmp/uwsgi;\n"
                + "  scgi_temp_path " + prefix + "/tmp/scgi;\n"
                + "  keepalive_requests 1000000;\n"
                + "  keepalive_timeout 75s;\n"
                + "  upstream backend {\n"
                + servers
                + "    keepalive 256;\n"
                + "    keepalive_requests 1000000;\n"
                + "  }\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + port + ";\n"
                + "    location = / {\n"
                + "      return 200 \"ok\\n\";\n"
                + "    }\n"
                + "    location / {\n"
                + "      proxy_pass http://backend;\n"
                + "      proxy_http_version 1.1;\n"
                + "      proxy_set_header Connection \"\";\n"
                + "      proxy_buffering off;\n"
                + "      proxy_read_timeout 120s;\n"
                + "    }\n"
                + "  }\n"
                + "}\n";
    }
}
