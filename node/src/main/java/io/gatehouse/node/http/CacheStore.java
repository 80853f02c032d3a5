package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.CacheConfig;
import io.gatehouse.cluster.cache.ResponseCache;
import io.gatehouse.providers.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores one request's answer in the response cache once the provider has given it whole: a plain
 * answer as it arrives, a stream once it completed. Answers larger than {@code
 * cache.max_entry_bytes} are not stored. Created by {@link CacheHandler} for a request whose answer
 * may be stored; used by the relay on the thread that delivers the answer.
 */
final class CacheStore {
    private final ResponseCache cache;
    private final String key;
    private final CacheConfig settings;

    CacheStore(ResponseCache cache, String key, CacheConfig settings) {
        this.cache = requireNonNull(cache, "cache");
        this.key = requireNonNull(key, "key");
        this.settings = requireNonNull(settings, "settings");
    }

    /** Stores a plain answer: the canonical {@code chat.completion}. */
    void completion(byte[] completion, Usage usage) {
        if (completion.length <= settings.maxEntryBytes()) {
            cache.put(key, new CachedAnswer(false, usage, List.of(completion)).encode(), settings.ttl());
        }
    }

    /** A collector of one stream's chunks, which stores them when the stream completes. */
    Stream stream() {
        return new Stream();
    }

    /** Collects a stream's canonical chunks in order. Used by one thread at a time, as a stream listener is. */
    final class Stream {
        private final List<byte[]> chunks = new ArrayList<>();
        private long bytes;
        private boolean tooLarge;

        private Stream() {}

        void add(List<byte[]> next) {
            if (tooLarge) {
                return;
            }
            for (byte[] chunk : next) {
                bytes += chunk.length;
            }
            if (bytes > settings.maxEntryBytes()) {
                tooLarge = true;
                chunks.clear();
            } else {
                chunks.addAll(next);
            }
        }

        /** Stores the stream; call once it completed normally. */
        void completed(Usage usage) {
            if (!tooLarge) {
                cache.put(key, new CachedAnswer(true, usage, chunks).encode(), settings.ttl());
            }
        }
    }
}
