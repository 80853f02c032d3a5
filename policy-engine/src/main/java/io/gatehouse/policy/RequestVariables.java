package io.gatehouse.policy;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code request} variable of policies: a read-only map whose {@code prompt_tokens} is counted
 * only if an expression reads it, since tokenising a long prompt is the one costly fact. Not
 * thread-safe; one per evaluation.
 */
final class RequestVariables extends AbstractMap<String, Object> {
    private static final Set<String> KEYS =
            Set.of("model", "endpoint", "stream", "max_tokens", "prompt_tokens", "metadata", "time");

    private final RequestFacts facts;
    private Long promptTokens;

    RequestVariables(RequestFacts facts) {
        this.facts = facts;
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        return switch (name) {
            case "model" -> facts.model();
            case "endpoint" -> facts.endpoint();
            case "stream" -> facts.stream();
            case "max_tokens" ->
                facts.maxTokens() == null ? 0L : facts.maxTokens().longValue();
            case "prompt_tokens" -> promptTokens();
            case "metadata" -> facts.metadata();
            case "time" -> facts.time();
            default -> null;
        };
    }

    private long promptTokens() {
        if (promptTokens == null) {
            promptTokens = (long) facts.promptTokens().getAsInt();
        }
        return promptTokens;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String name && KEYS.contains(name);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String key : KEYS) {
            all.put(key, get(key));
        }
        return all.entrySet();
    }
}
