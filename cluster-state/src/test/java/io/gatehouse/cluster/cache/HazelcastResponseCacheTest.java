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

/** The response cache on two real Hazelcast members on loopback. */
class HazelcastResponseCacheTest {
    private static final byte[] KEY = key(1);
    private static final byte[] ANSWER =
            "{\"choices\":[{\"message\":{\"content\":\"Paris is the capital\"}}]}".getBytes(StandardCharsets.UTF_8);
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
    void anAnswerStoredThroughOneMemberIsFoundThroughTheOther() throws Exception {
        new HazelcastResponseCache(members.get(0), KEY).put("k-shared", ANSWER, Duration.ofMinutes(1));

        assertThat(eventually(new HazelcastResponseCache(members.get(1), KEY), "k-shared"))
                .isEqualTo(ANSWER);
    }

    @Test
    void whatHazelcastHoldsIsSealedNotTheAnswer() throws Exception {
        new HazelcastResponseCache(members.get(0), KEY).put("k-sealed", ANSWER, Duration.ofMinutes(1));
        eventually(new HazelcastResponseCache(members.get(0), KEY), "k-sealed");

        byte[] held = members.get(1)
                .<String, byte[]>getMap(HazelcastResponseCache.ANSWERS)
                .get("k-sealed");

        assertThat(held).isNotNull();
        assertThat(new String(held, StandardCharsets.ISO_8859_1)).doesNotContain("Paris");
        assertThat(held.length).isGreaterThan(ANSWER.length);
    }

    @Test
    void aMemberWithAnotherKeyOrAnAnswerMovedToAnotherEntryReadsNothing() throws Exception {
        HazelcastResponseCache cache = new HazelcastResponseCache(members.get(0), KEY);
        cache.put("k-moved", ANSWER, Duration.ofMinutes(1));
        eventually(cache, "k-moved");

        assertThat(new HazelcastResponseCache(members.get(1), key(2))
                        .get("k-moved")
                        .get(5, TimeUnit.SECONDS))
                .isEmpty();
        var map = members.get(0).<String, byte[]>getMap(HazelcastResponseCache.ANSWERS);
        map.set("k-elsewhere", map.get("k-moved"));
        // A cache made now has read the keys the map holds, k-elsewhere among them, so it does look.
        assertThat(new HazelcastResponseCache(members.get(0), KEY)
                        .get("k-elsewhere")
                        .get(5, TimeUnit.SECONDS))
                .isEmpty();
    }

    @Test
    void anAnswerSealedInAnotherFormatIsAMissNotAGarbledAnswer() throws Exception {
        // As a member of a build before the expiry stamp wrote its answers: the answer alone.
        members.get(0)
                .<String, byte[]>getMap(HazelcastResponseCache.ANSWERS)
                .set("k-unstamped", new AnswerSeal(KEY).seal("k-unstamped", ANSWER));

        assertThat(new HazelcastResponseCache(members.get(1), KEY)
                        .get("k-unstamped")
                        .get(5, TimeUnit.SECONDS))
                .isEmpty();
    }

    @Test
    void aCacheMadeAfterAnAnswerWasStoredFindsItAtOnce() throws Exception {
        new HazelcastResponseCache(members.get(0), KEY).put("k-earlier", ANSWER, Duration.ofMinutes(1));
        eventually(new HazelcastResponseCache(members.get(0), KEY), "k-earlier");

        assertThat(new HazelcastResponseCache(members.get(1), KEY)
                        .get("k-earlier")
                        .get(5, TimeUnit.SECONDS))
                .isEqualTo(ANSWER);
    }

    @Test
    void anAnswerIsGoneAfterItsTimeToLive() throws Exception {
        HazelcastResponseCache cache = new HazelcastResponseCache(members.get(0), KEY);
        cache.put("k-short", ANSWER, Duration.ofSeconds(1));
        assertThat(eventually(cache, "k-short")).isEqualTo(ANSWER);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        byte[] found = ANSWER;
        while (found.length > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            found = cache.get("k-short").get(5, TimeUnit.SECONDS);
        }
        assertThat(found).isEmpty();
    }

    @Test
    void anAnswerReplacedThroughOneMemberIsReadAnewThroughTheOtherWithinMoments() throws Exception {
        HazelcastResponseCache writer = new HazelcastResponseCache(members.get(0), KEY);
        HazelcastResponseCache reader = new HazelcastResponseCache(members.get(1), KEY);
        writer.put("k-replaced", ANSWER, Duration.ofMinutes(1));
        assertThat(eventually(reader, "k-replaced")).isEqualTo(ANSWER); // now in the reader's near cache

        byte[] newer = "{\"choices\":[{\"message\":{\"content\":\"Lyon\"}}]}".getBytes(StandardCharsets.UTF_8);
        writer.put("k-replaced", newer, Duration.ofMinutes(1));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        byte[] found = reader.get("k-replaced").get(5, TimeUnit.SECONDS);
        while (!Arrays.equals(found, newer) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            found = reader.get("k-replaced").get(5, TimeUnit.SECONDS);
        }
        assertThat(found).isEqualTo(newer);
    }

    @Test
    void aKeyNeverStoredIsEmpty() throws Exception {
        assertThat(new HazelcastResponseCache(members.get(1), KEY).get("k-none").get(5, TimeUnit.SECONDS))
                .isEmpty();
    }

    /** The answer under {@code key}, waiting for the fire-and-forget put to land. */
    private static byte[] eventually(HazelcastResponseCache cache, String key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        byte[] found = cache.get(key).get(5, TimeUnit.SECONDS);
        while (found.length == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            found = cache.get(key).get(5, TimeUnit.SECONDS);
        }
        return found;
    }
}
