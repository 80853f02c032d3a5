package io.gatehouse.node.semantic;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns prompts into embeddings with a sentence-embedding model run in this process (by default
 * all-MiniLM-L6-v2, quantized: 384 dimensions, about 1.5 ms of one core for a short prompt), on
 * threads of its own (half the CPUs, at least one), never an IO thread. The model is loaded once it
 * is first needed ({@link #prepare}), which takes about a second; until then, and while more prompts
 * wait than {@value #MAX_WAITING}, a prompt gets no embedding and its request is matched exactly.
 * Thread-safe.
 */
public final class PromptEmbedder implements AutoCloseable {
    /** Prompts that may wait for the model; more would wait longer than a cache lookup may take. */
    static final int MAX_WAITING = 64;

    private static final Logger log = LoggerFactory.getLogger(PromptEmbedder.class);

    private final Supplier<EmbeddingModel> loader;
    private final ThreadPoolExecutor worker;
    private final CompletableFuture<EmbeddingModel> model = new CompletableFuture<>();
    private volatile boolean loadStarted;

    /** An embedder whose model {@code loader} builds, on one of the embedder's threads. */
    public PromptEmbedder(Supplier<EmbeddingModel> loader) {
        this(loader, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /** An embedder with {@code threads} threads; the model embeds on them at once (it is thread-safe). */
    PromptEmbedder(Supplier<EmbeddingModel> loader, int threads) {
        this.loader = requireNonNull(loader, "loader");
        this.worker = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_WAITING),
                Thread.ofPlatform().name("gatehouse-embedder-", 1).daemon().factory());
    }

    /** An embedder of all-MiniLM-L6-v2, quantized, as the library ships it. */
    public static PromptEmbedder allMiniLm() {
        return new PromptEmbedder(AllMiniLmL6V2QuantizedEmbeddingModel::new);
    }

    /** Starts loading the model, unless it was started before; completes when it is loaded. */
    public synchronized CompletableFuture<Void> prepare() {
        if (!loadStarted) {
            loadStarted = true;
            try {
                worker.execute(this::load);
            } catch (RejectedExecutionException e) {
                model.completeExceptionally(e); // closed
            }
        }
        return model.thenApply(loaded -> null);
    }

    /**
     * Waits up to {@code max} for the model if its loading has started, so that a node that will
     * match prompts does so from its first request. A model that fails or is late is logged; the
     * node matches exactly meanwhile.
     */
    public void awaitIfPreparing(Duration max) {
        if (!loadStarted) {
            return;
        }
        try {
            model.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // logged where the load failed
        } catch (TimeoutException e) {
            log.warn("the embedding model is not loaded after {}; requests are matched exactly until it is", max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The embedding of {@code prompt}: completes with null when the model is not loaded (its loading
     * starts) or too many prompts wait. Completes on the embedder's thread.
     */
    public CompletableFuture<float @Nullable []> embed(String prompt) {
        if (!model.isDone() || model.isCompletedExceptionally()) {
            prepare();
            return CompletableFuture.completedFuture(null);
        }
        EmbeddingModel loaded = model.join();
        CompletableFuture<float @Nullable []> embedding = new CompletableFuture<>();
        try {
            worker.execute(() -> {
                try {
                    embedding.complete(loaded.embed(prompt).content().vector());
                } catch (RuntimeException e) {
                    log.debug("a prompt could not be embedded: {}", e.toString());
                    embedding.complete(null);
                }
            });
        } catch (RejectedExecutionException busy) {
            embedding.complete(null);
        }
        return embedding;
    }

    private void load() {
        long started = System.nanoTime();
        try {
            EmbeddingModel loaded = loader.get();
            log.info(
                    "embedding model loaded in {} ms: prompts are matched by meaning",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            model.complete(loaded);
        } catch (RuntimeException | LinkageError e) {
            log.warn("the embedding model could not be loaded; requests are matched exactly: {}", e.toString());
            model.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
