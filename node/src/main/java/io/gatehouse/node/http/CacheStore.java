package io.gatehouse.node.http;

import static java.util.Objects.requireNonNull;

import io.gatehouse.admin.config.CacheConfig;
import io.gatehouse.cluster.cache.ResponseCache;
import io.gatehouse.cluster.cache.SemanticIndex;
import io.gatehouse.providers.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Stores one request's answer in the response cache once the provider has given it whole: a plain
 * answer as it arrives, a stream once it completed. Answers larger than {@code
 * cache.max_entry_bytes} are not stored. For a policy that matches by meaning, the request's prompt
 * is indexed with the answer's key, once its embedding is made. Created by {@link CacheHandler} for a
 * request whose answer may be stored; used by the relay on the thread that delivers the answer.
 */
final class CacheStore {
    private final ResponseCache cache;
    private final String key;
    private final CacheConfig settings;
    private final @Nullable Indexing indexing;

    /** The semantic index a prompt is added to, with its answer. */
    record Indexing(SemanticIndex index, PromptToMatch prompt) {
        Indexing {
            requireNonNull(index, "index");
            requireNonNull(prompt, "prompt");
        }
    }

    CacheStore(ResponseCache cache, String key, CacheConfig settings, @Nullable Indexing indexing) {
        this.cache = requireNonNull(cache, "cache");
        this.key = requireNonNull(key, "key");
        this.settings = requireNonNull(settings, "settings");
        this.indexing = indexing;
    }

    /** Stores a plain answer: the canonical {@code chat.completion}. */
    void completion(byte[] completion, Usage usage) {
        if (completion.length <= settings.maxEntryBytes()) {
            store(new CachedAnswer(false, usage, List.of(completion)));
        }
    }

    private void store(CachedAnswer answer) {
        cache.put(key, answer.encode(), settings.ttl());
        if (indexing == null) {
            return;
        }
        CompletableFuture<float @Nullable []> embedding = indexing.prompt().embeddingIfStarted();
        if (embedding != null) {
            embedding.thenAccept(vector -> {
                if (vector != null) {
                    indexing.index()
                            .add(
                                    indexing.prompt().scope(),
                                    vector,
                                    key,
                                    settings.semantic().maxEntries(),
                                    settings.ttl());
                }
            });
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
                store(new CachedAnswer(true, usage, chunks));
            }
        }
    }
}
