package io.gatehouse.cluster.cache;

import static io.gatehouse.cluster.cache.LoopbackMembers.key;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The semantic index on two real Hazelcast members on loopback. */
class HazelcastSemanticIndexTest {
    private static final byte[] KEY = key(1);
    private static final Duration TTL = Duration.ofMinutes(1);
    /** Embeddings in four dimensions: the first two close (cosine 0.98), the third far from both. */
    private static final float[] PASSWORD_RESET = unit(0.9f, 0.3f, 0.1f, 0.3f);

    private static final float[] RESETTING_A_PASSWORD = unit(0.85f, 0.35f, 0.05f, 0.38f);
    private static final float[] WEATHER = unit(0.05f, -0.6f, 0.8f, 0.0f);
    private static final List<HazelcastInstance> members = new ArrayList<>();

    @BeforeAll
    static void formCluster() throws Exception {
        members.addAll(LoopbackMembers.formTwo());
    }

    @AfterAll
    static void stop() {
        members.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void aPromptIndexedThroughOneMemberIsFoundNearAPromptAskedThroughTheOther() throws Exception {
        new HazelcastSemanticIndex(members.get(0), KEY).add("s-shared", PASSWORD_RESET, "answer-1", 16, TTL);

        SemanticIndex other = new HazelcastSemanticIndex(members.get(1), KEY);
        assertThat(eventually(other, "s-shared", RESETTING_A_PASSWORD, 0.95)).isEqualTo("answer-1");
        assertThat(nearest(other, "s-shared", WEATHER, 0.5)).isEmpty();
        assertThat(nearest(other, "s-shared", RESETTING_A_PASSWORD, 0.999)).isEmpty();
        assertThat(nearest(other, "s-elsewhere", PASSWORD_RESET, 0.5)).isEmpty();
    }

    @Test
    void theNearestOfSeveralPromptsWins() throws Exception {
        SemanticIndex index = new HazelcastSemanticIndex(members.get(0), KEY);
        index.add("s-several", WEATHER, "weather", 16, TTL);
        index.add("s-several", RESETTING_A_PASSWORD, "resetting", 16, TTL);
        index.add("s-several", PASSWORD_RESET, "reset", 16, TTL);

        assertThat(eventually(index, "s-several", PASSWORD_RESET, 0.999)).isEqualTo("reset");
        assertThat(nearest(index, "s-several", RESETTING_A_PASSWORD, 0.9)).isEqualTo("resetting");
        assertThat(nearest(index, "s-several", WEATHER, 0.9)).isEqualTo("weather");
    }

    @Test
    void promptsAddedFromBothMembersAtOnceAreAllKept() throws Exception {
        SemanticIndex first = new HazelcastSemanticIndex(members.get(0), KEY);
        SemanticIndex second = new HazelcastSemanticIndex(members.get(1), KEY);
        for (int i = 0; i < 20; i++) {
            (i % 2 == 0 ? first : second).add("s-busy", distinct(i), "answer-" + i, 32, TTL);
        }

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (held("s-busy") < 20 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(nearest(i % 2 == 0 ? second : first, "s-busy", distinct(i), 0.999))
                    .isEqualTo("answer-" + i);
        }
    }

    @Test
    void aScopeKeepsItsNewestPrompts() throws Exception {
        SemanticIndex index = new HazelcastSemanticIndex(members.get(0), KEY);
        for (int i = 0; i < 5; i++) {
            index.add("s-full", distinct(i), "answer-" + i, 3, TTL);
            assertThat(eventually(index, "s-full", distinct(i), 0.999)).isEqualTo("answer-" + i);
        }

        assertThat(held("s-full")).isEqualTo(3);
        assertThat(nearest(index, "s-full", distinct(0), 0.999)).isEmpty();
        assertThat(nearest(index, "s-full", distinct(1), 0.999)).isEmpty();
        assertThat(nearest(index, "s-full", distinct(2), 0.999)).isEqualTo("answer-2");
    }

    private static int held(String scope) {
        return ScopePrompts.sealed(members.get(0)
                        .<String, byte[]>getMap(HazelcastSemanticIndex.PROMPTS)
                        .get(scope))
                .size();
    }

    @Test
    void whatHazelcastHoldsIsSealedAndOpensOnlyUnderTheKeyAndScopeItWasAddedWith() throws Exception {
        SemanticIndex index = new HazelcastSemanticIndex(members.get(0), KEY);
        index.add("s-sealed", PASSWORD_RESET, "answer-for-paris", 16, TTL);
        eventually(index, "s-sealed", PASSWORD_RESET, 0.99);

        var map = members.get(1).<String, byte[]>getMap(HazelcastSemanticIndex.PROMPTS);
        byte[] held = map.get("s-sealed");
        assertThat(new String(held, StandardCharsets.ISO_8859_1)).doesNotContain("paris");
        assertThat(nearest(new HazelcastSemanticIndex(members.get(1), key(2)), "s-sealed", PASSWORD_RESET, 0.5))
                .isEmpty();
        map.set("s-moved", held);
        assertThat(nearest(index, "s-moved", PASSWORD_RESET, 0.5)).isEmpty();
    }

    @Test
    void aScopeIsGoneAfterItsTimeToLive() throws Exception {
        SemanticIndex index = new HazelcastSemanticIndex(members.get(0), KEY);
        index.add("s-short", PASSWORD_RESET, "answer", 16, Duration.ofSeconds(1));
        assertThat(eventually(index, "s-short", PASSWORD_RESET, 0.99)).isEqualTo("answer");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String found = "answer";
        while (!found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            found = nearest(index, "s-short", PASSWORD_RESET, 0.99);
        }
        assertThat(found).isEmpty();
    }

    private static String nearest(SemanticIndex index, String scope, float[] embedding, double threshold)
            throws Exception {
        return index.nearest(scope, embedding, threshold).get(5, TimeUnit.SECONDS);
    }

    /** The nearest answer, waiting for the fire-and-forget adds to land. */
    private static String eventually(SemanticIndex index, String scope, float[] embedding, double threshold)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String found = nearest(index, scope, embedding, threshold);
        while (found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            found = nearest(index, scope, embedding, threshold);
        }
        return found;
    }

    /** One of 20 embeddings, each far from the others: a spike in its own dimension. */
    private static float[] distinct(int i) {
        float[] embedding = new float[20];
        Arrays.fill(embedding, 0.01f);
        embedding[i] = 1;
        return embedding;
    }

    private static float[] unit(float... components) {
        double length = 0;
        for (float component : components) {
            length += component * component;
        }
        float[] unit = new float[components.length];
        for (int i = 0; i < components.length; i++) {
            unit[i] = (float) (components[i] / Math.sqrt(length));
        }
        return unit;
    }
}
