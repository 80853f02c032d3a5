package io.gatehouse.node.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PromptEmbedderTest {

    @Test
    void aPromptGetsNoEmbeddingUntilTheModelIsLoadedAndItsLoadingStartsThen() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (PromptEmbedder embedder = new PromptEmbedder(() -> {
            await(release);
            return new LengthModel();
        })) {
            assertThat(embedder.embed("hello").get(5, TimeUnit.SECONDS)).isNull();
            CompletableFuture<Void> loaded = embedder.prepare();
            assertThat(loaded).isNotDone();

            release.countDown();
            loaded.get(5, TimeUnit.SECONDS);
            assertThat(embedder.embed("hello").get(5, TimeUnit.SECONDS)).containsExactly(5f, 1f);
        }
    }

    @Test
    void aModelThatFailsToLoadLeavesPromptsWithoutEmbeddings() throws Exception {
        try (PromptEmbedder embedder = new PromptEmbedder(() -> {
            throw new IllegalStateException("no native library for this platform");
        })) {
            embedder.prepare();
            embedder.awaitIfPreparing(Duration.ofSeconds(5));

            assertThat(embedder.prepare()).isCompletedExceptionally();
            assertThat(embedder.embed("hello").get(5, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void promptsBeyondThoseThatMayWaitGetNoEmbedding() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LengthModel slow = new LengthModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                busy.countDown();
                await(release);
                return super.embedAll(segments);
            }
        };
        try (PromptEmbedder embedder = new PromptEmbedder(() -> slow, 1)) {
            embedder.prepare().get(5, TimeUnit.SECONDS);
            List<CompletableFuture<float[]>> embeddings = new ArrayList<>();
            embeddings.add(embedder.embed("prompt"));
            await(busy);
            for (int i = 0; i < PromptEmbedder.MAX_WAITING + 4; i++) {
                embeddings.add(embedder.embed("prompt"));
            }
            release.countDown();

            long refused = 0;
            for (CompletableFuture<float[]> embedding : embeddings) {
                if (embedding.get(5, TimeUnit.SECONDS) == null) {
                    refused++;
                }
            }
            // One is being embedded, MAX_WAITING wait, the rest are refused at once.
            assertThat(refused).isEqualTo(4);
        }
    }

    /** Embeds a text as its length and 1: enough to tell embeddings apart. */
    private static class LengthModel implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream()
                    .map(segment -> Embedding.from(new float[] {segment.text().length(), 1f}))
                    .toList());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
