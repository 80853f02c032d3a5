package io.gatehouse.cluster.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PromptVectorsTest {

    @Test
    void aPromptKeepsItsAnswerKeyAndItsSimilarityToOthersWithinAHundredth() {
        Random random = new Random(7);
        for (int trial = 0; trial < 100; trial++) {
            float[] stored = gaussian(random, 384);
            float[] asked = stored.clone();
            for (int i = 0; i < asked.length; i++) {
                asked[i] += (float) (random.nextGaussian() * trial / 100.0);
            }
            byte[] encoded = PromptVectors.encode("v1:answer-" + trial, stored);

            assertThat(encoded).hasSize(4 + ("v1:answer-" + trial).length() + 384);
            assertThat(PromptVectors.answerKey(encoded)).isEqualTo("v1:answer-" + trial);
            assertThat(PromptVectors.similarity(encoded, asked)).isCloseTo(cosine(stored, asked), within(0.01));
        }
    }

    @Test
    void anEmbeddingOfOtherDimensionsOrADamagedEntryIsLikeNothing() {
        byte[] encoded = PromptVectors.encode("k", new float[] {0.5f, 0.5f, 0.5f});

        assertThat(PromptVectors.similarity(encoded, new float[] {0.5f, 0.5f})).isNaN();
        assertThat(PromptVectors.similarity(new byte[] {0, 9, 1}, new float[] {0.5f}))
                .isNaN();
        assertThat(PromptVectors.similarity(encoded, new float[3])).isNaN();
    }

    private static float[] gaussian(Random random, int dimensions) {
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }
}
