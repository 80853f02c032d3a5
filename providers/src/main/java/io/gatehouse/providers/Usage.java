package io.gatehouse.providers;

/**
 * Token usage of one call as the provider reported it (or as the mock counted it). Immutable.
 *
 * @param promptTokens input tokens
 * @param completionTokens output tokens
 */
public record Usage(long promptTokens, long completionTokens) {
    public static final Usage NONE = new Usage(0, 0);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
