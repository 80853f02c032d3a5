package io.gatehouse.admin.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gatehouse.admin.store.DatabaseSettings;
import io.gatehouse.cluster.ClusterSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a config document (YAML, or JSON which is YAML too), expands {@code ${ENV}} references,
 * applies the {@code GATEHOUSE_*} environment overrides and validates the whole, failing with a
 * {@link ConfigException} that names the key and the expected value. Thread-safe.
 */
public final class ConfigLoader {
    /** Duplicate keys are errors: a second {@code providers:} must not silently replace the first. */
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final Pattern ANTHROPIC_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
    private static final Set<String> TOP_LEVEL = Set.of(
            "node", "cluster", "database", "providers", "models", "auth", "policies", "limits", "cache", "telemetry");
    /** The cluster-wide sections: what the database stores and the admin API changes. */
    public static final Set<String> SHARED_KEYS = Set.of("providers", "models", "auth", "policies", "limits", "cache");
    /** Top-level keys of the documented shape whose features this version does not serve yet. */
    private static final Set<String> NOT_YET_SUPPORTED = Set.of("telemetry");

    private static final Map<String, String> ENV_OVERRIDES = Map.of(
            "GATEHOUSE_HTTP_PORT", "http_port",
            "GATEHOUSE_ADMIN_PORT", "admin_port",
            "GATEHOUSE_BIND_ADDRESS", "bind_address",
            "GATEHOUSE_NODE_NAME", "name",
            "GATEHOUSE_DATA_DIR", "data_dir",
            "GATEHOUSE_ADMIN_TOKEN", "admin_token");

    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    private static final Pattern GOOGLE_PROJECT = Pattern.compile("[a-z][a-z0-9.:-]{0,127}");
    private static final Pattern GOOGLE_LOCATION = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

    private final Function<String, @Nullable String> env;

    /** @param env how environment variables are looked up ({@code System::getenv} in production) */
    public ConfigLoader(Function<String, @Nullable String> env) {
        this.env = requireNonNull(env, "env");
    }

    /** Loads and validates a config file. */
    public GatewayConfig load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (expected: a readable YAML config file)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        return parse(bytes, file.toString());
    }

    /** Parses and validates a config document; {@code source} names it in errors. */
    public GatewayConfig parse(byte[] document, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(document);
        } catch (JacksonException e) {
            // Limit violations (such as nesting depth) carry no location.
            JsonLocation at = e.getLocation();
            throw new ConfigException(source
                    + ": not valid YAML"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + " ("
                    + e.getOriginalMessage()
                    + ")");
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read (" + e.getMessage() + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(source + ": the document must be a mapping of top-level keys");
        }
        new EnvExpander(env).expand(root, "");
        applyEnvOverrides((ObjectNode) root);
        return read(new ConfigNode(root, ""));
    }

    private void applyEnvOverrides(ObjectNode root) {
        JsonNode existing = root.get("node");
        if (existing != null && !existing.isNull() && !existing.isObject()) {
            return; // reading the node key reports it
        }
        ObjectNode node = existing instanceof ObjectNode n ? n : root.putObject("node");
        ObjectNode values = YAML.createObjectNode();
        ENV_OVERRIDES.forEach((variable, key) -> {
            String value = env.apply(variable);
            if (value != null && !value.isBlank()) {
                values.put(variable, value);
            }
        });
        // Read each override under its own name so an error names the variable, not the key.
        ConfigNode overrides = new ConfigNode(values, "");
        overrides.integer("GATEHOUSE_HTTP_PORT", 0, 0, 65535);
        overrides.integer("GATEHOUSE_ADMIN_PORT", 0, 0, 65535);
        values.fields().forEachRemaining(e -> node.set(ENV_OVERRIDES.get(e.getKey()), e.getValue()));
        applyClusterEnvOverrides(root);
        applyDatabaseEnvOverrides(root);
    }

    private void applyDatabaseEnvOverrides(ObjectNode root) {
        Map<String, String> overrides =
                Map.of("GATEHOUSE_DB_URL", "url", "GATEHOUSE_DB_USER", "user", "GATEHOUSE_DB_PASSWORD", "password");
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            String value = env.apply(override.getKey());
            if (value != null && !value.isBlank()) {
                ObjectNode database = root.get("database") instanceof ObjectNode d ? d : root.putObject("database");
                database.put(override.getValue(), value);
            }
        }
    }

    private void applyClusterEnvOverrides(ObjectNode root) {
        String port = env.apply("GATEHOUSE_CLUSTER_PORT");
        String members = env.apply("GATEHOUSE_CLUSTER_MEMBERS");
        if ((port == null || port.isBlank()) && (members == null || members.isBlank())) {
            return;
        }
        ObjectNode cluster = root.get("cluster") instanceof ObjectNode c ? c : root.putObject("cluster");
        if (port != null && !port.isBlank()) {
            ObjectNode value = YAML.createObjectNode().put("GATEHOUSE_CLUSTER_PORT", port);
            new ConfigNode(value, "").integer("GATEHOUSE_CLUSTER_PORT", 0, 1, 65535);
            cluster.put("port", port);
        }
        if (members != null && !members.isBlank()) {
            var list = cluster.putArray("members");
            for (String member : members.split(",")) {
                if (!member.isBlank()) {
                    list.add(member.trim());
                }
            }
        }
    }

    private GatewayConfig read(ConfigNode root) {
        root.allowOnly(TOP_LEVEL);
        for (String key : NOT_YET_SUPPORTED) {
            if (root.present(key)) {
                throw new ConfigException(key + ": not supported by this version of Gatehouse yet (remove the key; see"
                        + " docs/configuration.md)");
            }
        }
        ConfigNode nodeSection = root.object("node");
        NodeConfig node = readNode(nodeSection);
        ClusterConfig cluster = readCluster(root.optionalObject("cluster"), node);
        DatabaseSettings database = readDatabase(root.optionalObject("database"), node);
        return readShared(root, node, cluster, database);
    }

    private static @Nullable DatabaseSettings readDatabase(@Nullable ConfigNode database, NodeConfig node) {
        if (database == null) {
            return null;
        }
        database.allowOnly(Set.of("url", "user", "password", "schema", "pool_size", "connect_timeout"));
        String url = database.string("url");
        if (url.equals("embedded")) {
            return DatabaseSettings.embedded(node.dataDir());
        }
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw new ConfigException(database.path() + ".url: \"" + url
                    + "\" (expected: embedded, a jdbc:postgresql://host:port/db URL, or a jdbc:h2: URL)");
        }
        String password = database.optionalString("password");
        return new DatabaseSettings(
                url,
                database.optionalString("user"),
                password == null ? null : new Secret(password),
                database.optionalString("schema"),
                (int) database.integer("pool_size", 10, 1, 200),
                database.duration(
                        "connect_timeout", Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofMinutes(1)));
    }

    /**
     * Validates {@code shared} (the cluster-wide sections: providers, models, auth, policies and
     * limits, as stored in the database) and returns {@code local} running it. No {@code ${ENV}}
     * expansion: stored values are literal.
     *
     * @throws ConfigException naming the key and the expected value
     */
    public GatewayConfig withShared(GatewayConfig local, JsonNode shared) {
        requireNonNull(local, "local");
        requireNonNull(shared, "shared");
        if (!shared.isObject()) {
            throw new ConfigException("the document must be a mapping of top-level keys");
        }
        ConfigNode root = new ConfigNode(shared, "");
        root.allowOnly(SHARED_KEYS);
        return readShared(root, local.node(), local.cluster(), local.database());
    }

    private GatewayConfig readShared(
            ConfigNode root, NodeConfig node, ClusterConfig cluster, @Nullable DatabaseSettings database) {
        List<ProviderConfig> providers = readProviders(root.objects("providers"));
        List<ModelConfig> models = readModels(root.objects("models"), providers);
        Set<String> modelNames = new HashSet<>();
        models.forEach(m -> modelNames.add(m.name()));
        ConfigNode authSection = root.optionalObject("auth");
        AuthConfig auth = authSection == null ? null : AuthAndPolicyReader.readAuth(authSection, modelNames);
        if (auth == null || auth.isEmpty()) {
            requireLoopbackWithoutAuth(node.bindAddress(), "node.bind_address");
        }
        List<PolicyConfig> policies =
                root.has("policies") ? AuthAndPolicyReader.readPolicies(root.objects("policies"), modelNames) : null;
        LimitsConfig limits = readLimits(root.optionalObject("limits"));
        CacheConfig cache = readCache(root.optionalObject("cache"));
        ObjectNode shared = JSON.createObjectNode();
        for (String key : SHARED_KEYS) {
            JsonNode value = root.raw(key);
            if (value != null && !value.isNull()) {
                shared.set(key, value.deepCopy());
            }
        }
        return new GatewayConfig(node, providers, models, auth, policies, cluster, limits, cache, shared, database);
    }

    private ClusterConfig readCluster(ConfigNode cluster, NodeConfig node) {
        if (cluster == null) {
            return new ClusterConfig(
                    "gatehouse",
                    node.bindAddress(),
                    5701,
                    List.of(),
                    false,
                    1,
                    ClusterSettings.DEFAULT_RESPONSE_CACHE_MEGABYTES);
        }
        cluster.allowOnly(
                Set.of("name", "bind_address", "port", "members", "kubernetes", "expected_members", "cache_memory_mb"));
        List<String> members = cluster.strings("members");
        for (int i = 0; i < members.size(); i++) {
            if (!members.get(i).matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
                throw new ConfigException(cluster.path() + ".members[" + i + "]: \"" + members.get(i)
                        + "\" (expected: host:port, e.g. 10.0.0.5:5701)");
            }
        }
        return new ClusterConfig(
                cluster.string("name", "gatehouse"),
                cluster.string("bind_address", node.bindAddress()),
                (int) cluster.integer("port", 5701, 1, 65535),
                members,
                cluster.bool("kubernetes", false),
                (int) cluster.integer("expected_members", Math.max(1, members.size()), 1, 1000),
                (int) cluster.integer("cache_memory_mb", ClusterSettings.DEFAULT_RESPONSE_CACHE_MEGABYTES, 1, 1 << 20));
    }

    /** An absent {@code cache} key leaves the cache off; a present one turns it on unless it says not to. */
    private static CacheConfig readCache(@Nullable ConfigNode cache) {
        if (cache == null) {
            return CacheConfig.OFF;
        }
        cache.allowOnly(Set.of("enabled", "ttl", "max_entry_bytes", "lookup_timeout", "min_uses", "semantic"));
        return new CacheConfig(
                cache.bool("enabled", true),
                cache.duration("ttl", CacheConfig.OFF.ttl(), Duration.ofSeconds(1), Duration.ofDays(30)),
                (int) cache.integer("max_entry_bytes", CacheConfig.OFF.maxEntryBytes(), 1024, 64 << 20),
                cache.duration(
                        "lookup_timeout",
                        CacheConfig.OFF.lookupTimeout(),
                        Duration.ofMillis(1),
                        Duration.ofSeconds(10)),
                (int) cache.integer("min_uses", CacheConfig.OFF.minUses(), 1, 100),
                readSemanticCache(cache.optionalObject("semantic")));
    }

    private static CacheConfig.Semantic readSemanticCache(@Nullable ConfigNode semantic) {
        if (semantic == null) {
            return CacheConfig.Semantic.DEFAULT;
        }
        semantic.allowOnly(Set.of("threshold", "max_entries"));
        return new CacheConfig.Semantic(
                semantic.number("threshold", CacheConfig.Semantic.DEFAULT.threshold(), 0.5, 1),
                (int) semantic.integer("max_entries", CacheConfig.Semantic.DEFAULT.maxEntries(), 1, 4096));
    }

    private static LimitsConfig readLimits(ConfigNode limits) {
        if (limits == null) {
            return LimitsConfig.DEFAULT;
        }
        limits.allowOnly(Set.of("timeout", "on_unavailable", "default_max_output_tokens", "local_lease"));
        return new LimitsConfig(
                limits.duration(
                        "timeout", LimitsConfig.DEFAULT.timeout(), Duration.ofMillis(1), Duration.ofSeconds(30)),
                !limits.has("on_unavailable")
                        || limits.oneOf("on_unavailable", List.of("open", "closed"))
                                .equals("open"),
                (int) limits.integer(
                        "default_max_output_tokens", LimitsConfig.DEFAULT.defaultMaxOutputTokens(), 1, 1_000_000),
                limits.number("local_lease", LimitsConfig.DEFAULT.localLease(), 0, 0.1));
    }

    private NodeConfig readNode(ConfigNode node) {
        node.allowOnly(Set.of(
                "name",
                "bind_address",
                "http_port",
                "admin_port",
                "max_request_bytes",
                "shutdown_grace",
                "data_dir",
                "upstream",
                "admin_token",
                "admin_roles",
                "access_log"));
        String bindAddress = node.string("bind_address", "127.0.0.1");
        int httpPort = (int) node.integer("http_port", 8080, 0, 65535);
        int adminPort = (int) node.integer("admin_port", 8081, 0, 65535);
        if (httpPort == adminPort && httpPort != 0) {
            throw new ConfigException(
                    "node.admin_port: " + adminPort + " (expected: a port other than node.http_port)");
        }
        ConfigNode upstream = node.optionalObject("upstream");
        NodeConfig.UpstreamConfig upstreamConfig = new NodeConfig.UpstreamConfig(Duration.ofSeconds(5), 256);
        if (upstream != null) {
            upstream.allowOnly(Set.of("connect_timeout", "max_connections_per_host"));
            upstreamConfig = new NodeConfig.UpstreamConfig(
                    upstream.duration(
                            "connect_timeout", Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMinutes(5)),
                    (int) upstream.integer("max_connections_per_host", 256, 1, 65536));
        }
        return new NodeConfig(
                node.string("name", defaultNodeName()),
                bindAddress,
                httpPort,
                adminPort,
                node.integer("max_request_bytes", 4L * 1024 * 1024, 1024, 1L << 30),
                node.duration("shutdown_grace", Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1)),
                Path.of(node.string("data_dir", "./data")),
                upstreamConfig,
                adminToken(node),
                adminRoles(node.optionalObject("admin_roles")),
                accessLog(node));
    }

    private static NodeConfig.AccessLogOutput accessLog(ConfigNode node) {
        JsonNode raw = node.raw("access_log");
        if (raw != null && raw.isBoolean()) {
            // YAML reads a bare `off` as false (and `on` as true).
            return raw.booleanValue() ? NodeConfig.AccessLogOutput.STDOUT : NodeConfig.AccessLogOutput.OFF;
        }
        if (!node.has("access_log")) {
            return NodeConfig.AccessLogOutput.STDOUT;
        }
        return node.oneOf("access_log", List.of("stdout", "off")).equals("off")
                ? NodeConfig.AccessLogOutput.OFF
                : NodeConfig.AccessLogOutput.STDOUT;
    }

    private static NodeConfig.AdminRoles adminRoles(@Nullable ConfigNode roles) {
        if (roles == null) {
            return NodeConfig.AdminRoles.DEFAULT;
        }
        roles.allowOnly(Set.of("claim", "admin", "viewer"));
        NodeConfig.AdminRoles defaults = NodeConfig.AdminRoles.DEFAULT;
        return new NodeConfig.AdminRoles(
                roles.string("claim", defaults.claim()),
                roles.has("admin") ? new HashSet<>(roles.strings("admin")) : defaults.admin(),
                roles.has("viewer") ? new HashSet<>(roles.strings("viewer")) : defaults.viewer());
    }

    private static Secret adminToken(ConfigNode node) {
        String token = node.optionalString("admin_token");
        if (token == null) {
            return null;
        }
        if (token.length() < 16) {
            throw new ConfigException("node.admin_token (GATEHOUSE_ADMIN_TOKEN): " + token.length()
                    + " characters (expected: at least 16; generate one with `openssl rand -hex 32`)");
        }
        return new Secret(token);
    }

    /**
     * A node without any configured credential lets everyone in, so it must not be reachable from
     * other machines.
     */
    private static void requireLoopbackWithoutAuth(String bindAddress, String path) {
        boolean loopback;
        try {
            loopback = InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException(
                    path + ": \"" + bindAddress + "\" (expected: an IP address or resolvable host name)");
        }
        if (!loopback) {
            throw new ConfigException(path
                    + ": \""
                    + bindAddress
                    + "\" would expose the gateway without authentication (expected: a loopback"
                    + " address such as 127.0.0.1 until auth is configured)");
        }
    }

    private static String defaultNodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gatehouse";
        }
    }

    private List<ProviderConfig> readProviders(List<ConfigNode> items) {
        List<ProviderConfig> providers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode item : items) {
            String name = name(item);
            if (!names.add(name)) {
                throw new ConfigException(item.path() + ".name: \"" + name + "\" is already used by another provider");
            }
            String type = item.oneOf("type", ProviderConfig.TYPES);
            Set<String> keys = new HashSet<>(Set.of("name", "type", "timeouts"));
            switch (type) {
                case "mock" ->
                    keys.addAll(Set.of("latency", "stream_chunks", "chunk_interval", "embedding_dimensions"));
                case "azure-openai" -> keys.addAll(Set.of("base_url", "api_key", "api_version"));
                case "anthropic" -> keys.addAll(Set.of("base_url", "api_key", "anthropic_version"));
                case "vertex-ai" -> keys.addAll(Set.of("project", "location", "credentials_file", "base_url"));
                case "bedrock" ->
                    keys.addAll(Set.of("base_url", "region", "access_key_id", "secret_access_key", "session_token"));
                default -> keys.addAll(Set.of("base_url", "api_key"));
            }
            item.allowOnly(keys);
            URI baseUrl = item.optionalHttpUrl("base_url");
            if (baseUrl == null && type.equals("openai")) {
                baseUrl = URI.create("https://api.openai.com/v1");
            }
            if (baseUrl == null && type.equals("anthropic")) {
                baseUrl = URI.create("https://api.anthropic.com");
            }
            if (baseUrl == null && type.equals("gemini")) {
                baseUrl = URI.create("https://generativelanguage.googleapis.com");
            }
            if (baseUrl == null && type.equals("azure-openai")) {
                throw new ConfigException(item.path()
                        + ".base_url: missing (expected: the resource URL, e.g. https://my-resource.openai.azure.com)");
            }
            String apiKey = item.optionalString("api_key");
            if (apiKey == null && type.equals("azure-openai")) {
                throw new ConfigException(item.path() + ".api_key: missing (expected: the resource's API key)");
            }
            if (apiKey == null && type.equals("anthropic")) {
                throw new ConfigException(
                        item.path() + ".api_key: missing (expected: an Anthropic API key, e.g. ${ANTHROPIC_API_KEY})");
            }
            String apiVersion = type.equals("anthropic") ? anthropicVersion(item) : item.optionalString("api_version");
            if (apiKey == null && type.equals("gemini")) {
                throw new ConfigException(item.path()
                        + ".api_key: missing (expected: a Gemini API key from Google AI Studio, e.g."
                        + " ${GEMINI_API_KEY})");
            }
            ProviderConfig.VertexConfig vertex = type.equals("vertex-ai") ? readVertex(item) : null;
            Duration firstByte = Duration.ofSeconds(60);
            Duration idle = Duration.ofSeconds(30);
            ConfigNode timeouts = item.optionalObject("timeouts");
            if (timeouts != null) {
                timeouts.allowOnly(Set.of("first_byte", "idle"));
                firstByte = timeouts.duration("first_byte", firstByte, Duration.ofMillis(1), MAX_TIMEOUT);
                idle = timeouts.duration("idle", idle, Duration.ofMillis(1), MAX_TIMEOUT);
            }
            ProviderConfig.AwsConfig aws = type.equals("bedrock") ? readAws(item) : null;
            ProviderConfig.MockConfig mock = null;
            if (type.equals("mock")) {
                mock = new ProviderConfig.MockConfig(
                        item.duration("latency", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(10)),
                        (int) item.integer("stream_chunks", 8, 1, 10_000),
                        item.duration("chunk_interval", Duration.ofMillis(20), Duration.ZERO, Duration.ofMinutes(1)),
                        (int) item.integer("embedding_dimensions", 256, 1, 8192));
            }
            providers.add(new ProviderConfig(
                    name,
                    type,
                    baseUrl,
                    apiKey == null ? null : new Secret(apiKey),
                    apiVersion,
                    firstByte,
                    idle,
                    mock,
                    vertex,
                    aws));
        }
        return providers;
    }

    private static String anthropicVersion(ConfigNode item) {
        String version = item.string("anthropic_version", "2023-06-01");
        if (!ANTHROPIC_VERSION.matcher(version).matches()) {
            throw new ConfigException(item.path() + ".anthropic_version: \"" + version
                    + "\" (expected: a version date such as 2023-06-01)");
        }
        return version;
    }

    private static ProviderConfig.VertexConfig readVertex(ConfigNode item) {
        String project = item.optionalString("project");
        if (project == null) {
            throw new ConfigException(item.path() + ".project: missing (expected: the Google Cloud project id)");
        }
        if (!GOOGLE_PROJECT.matcher(project).matches()) {
            throw new ConfigException(item.path() + ".project: \"" + project
                    + "\" (expected: a Google Cloud project id such as acme-prod-ai)");
        }
        String location = item.optionalString("location");
        if (location == null) {
            throw new ConfigException(item.path()
                    + ".location: missing (expected: a Google Cloud region such as us-central1, or global)");
        }
        if (!GOOGLE_LOCATION.matcher(location).matches()) {
            throw new ConfigException(item.path() + ".location: \"" + location
                    + "\" (expected: a Google Cloud region such as us-central1, or global)");
        }
        String path = item.path() + ".credentials_file";
        String credentials = item.optionalString("credentials_file");
        if (credentials == null) {
            throw new ConfigException(path + ": missing (expected: the path of a service account JSON key file,"
                    + " or its content, e.g. ${GOOGLE_SERVICE_ACCOUNT_KEY})");
        }
        String json = credentials.stripLeading().startsWith("{") ? credentials : readKeyFile(credentials, path);
        checkServiceAccountKey(json, path);
        return new ProviderConfig.VertexConfig(project, location, new Secret(json));
    }

    private static String readKeyFile(String file, String path) {
        try {
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(path + ": " + file
                    + ": no such file (expected: a service account JSON key file, or the key's content)");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    path + ": " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The shape of a key, checked early so a bad file fails at load; never quotes the content. */
    private static void checkServiceAccountKey(String json, String path) {
        JsonNode key;
        try {
            key = JSON.readTree(json);
        } catch (IOException e) {
            key = null;
        }
        if (key == null || !key.isObject()) {
            throw new ConfigException(path + ": not JSON (expected: a Google service account key)");
        }
        if (!key.path("type").asText("").equals("service_account")) {
            throw new ConfigException(
                    path + ": \"type\" is \"" + key.path("type").asText("")
                            + "\" (expected: \"service_account\"; create a key for a service account)");
        }
        for (String field : List.of("client_email", "private_key")) {
            if (key.path(field).asText("").isBlank()) {
                throw new ConfigException(path + ": \"" + field + "\" is missing (expected: a service account key as"
                        + " Google issues it)");
            }
        }
    }

    /**
     * Bedrock's region and credentials. Credentials come from the item, or, when it names none, from
     * the standard AWS variables, read once here at start; a session token is taken from the same
     * place as the keys it belongs to.
     */
    private ProviderConfig.AwsConfig readAws(ConfigNode item) {
        String region = item.string("region");
        if (!AWS_REGION.matcher(region).matches()) {
            throw new ConfigException(item.path() + ".region: \"" + region
                    + "\" (expected: an AWS region such as us-east-1 or eu-central-1)");
        }
        String keyId = item.optionalString("access_key_id");
        String secret = item.optionalString("secret_access_key");
        String token = item.optionalString("session_token");
        if (keyId == null && secret == null) {
            if (token != null) {
                throw new ConfigException(item.path()
                        + ".session_token: set without keys (expected: access_key_id and secret_access_key with it)");
            }
            keyId = nonBlank(env.apply("AWS_ACCESS_KEY_ID"));
            secret = nonBlank(env.apply("AWS_SECRET_ACCESS_KEY"));
            token = nonBlank(env.apply("AWS_SESSION_TOKEN"));
            if (keyId == null || secret == null) {
                throw new ConfigException(item.path()
                        + ".access_key_id: missing (expected: access_key_id and secret_access_key, or the"
                        + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables)");
            }
        } else if (keyId == null) {
            throw new ConfigException(
                    item.path() + ".access_key_id: missing (expected: set together with secret_access_key)");
        } else if (secret == null) {
            throw new ConfigException(
                    item.path() + ".secret_access_key: missing (expected: set together with access_key_id)");
        }
        return new ProviderConfig.AwsConfig(
                region, new Secret(keyId), new Secret(secret), token == null ? null : new Secret(token));
    }

    private static @Nullable String nonBlank(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static List<ModelConfig> readModels(List<ConfigNode> items, List<ProviderConfig> providers) {
        Set<String> providerNames = new HashSet<>();
        providers.forEach(p -> providerNames.add(p.name()));
        List<ModelConfig> models = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode item : items) {
            item.allowOnly(Set.of("name", "deployments"));
            String name = name(item);
            if (!names.add(name)) {
                throw new ConfigException(item.path() + ".name: \"" + name + "\" is already used by another model");
            }
            List<ConfigNode> deploymentNodes = item.objects("deployments");
            if (deploymentNodes.isEmpty()) {
                throw new ConfigException(item.path() + ".deployments: empty (expected: at least one deployment)");
            }
            List<ModelConfig.Deployment> deployments = new ArrayList<>();
            int totalWeight = 0;
            for (ConfigNode d : deploymentNodes) {
                d.allowOnly(Set.of("provider", "model", "weight", "rpm", "tpm"));
                String provider = d.string("provider");
                if (!providerNames.contains(provider)) {
                    throw new ConfigException(
                            d.path() + ".provider: \"" + provider + "\" (expected: the name of a configured provider: "
                                    + String.join(", ", new java.util.TreeSet<>(providerNames)) + ")");
                }
                int weight = (int) d.integer("weight", 1, 0, 1_000_000);
                totalWeight += weight;
                deployments.add(new ModelConfig.Deployment(
                        provider,
                        d.string("model", name),
                        weight,
                        d.has("rpm") ? d.integer("rpm", 1, 1, Long.MAX_VALUE) : null,
                        d.has("tpm") ? d.integer("tpm", 1, 1, Long.MAX_VALUE) : null));
            }
            if (totalWeight == 0) {
                throw new ConfigException(
                        item.path() + ".deployments: every weight is 0 (expected: at least one weight above 0)");
            }
            models.add(new ModelConfig(name, deployments));
        }
        return models;
    }

    private static String name(ConfigNode item) {
        String name = item.string("name");
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException(
                    item.path() + ".name: \"" + name + "\" (expected: letters, digits and . _ : / -, at most 128)");
        }
        return name;
    }
}
