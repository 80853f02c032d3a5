package io.gatehouse.providers.sse;

import static java.util.Objects.requireNonNull;

/**
 * One server-sent event: its {@code event:} name ({@code "message"} when absent) and its data, the
 * {@code data:} lines joined with newlines. Immutable.
 */
public record SseEvent(String event, String data) {
    public SseEvent {
        requireNonNull(event, "event");
        requireNonNull(data, "data");
    }
}
