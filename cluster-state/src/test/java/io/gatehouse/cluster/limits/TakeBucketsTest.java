package io.gatehouse.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TakeBucketsTest {
    private static final long T0 = 1_000_000;

    private static Map.Entry<String, long[]> empty() {
        return new AbstractMap.SimpleEntry<>("k", null);
    }

    private static long[] take(Map.Entry<String, long[]> entry, long[] capacities, long[] amounts, long now) {
        return new TakeBuckets(capacities, amounts, false, 0).apply(entry, now);
    }

    @Test
    void takesFromEveryBucketWhenEachHasEnough() {
        Map.Entry<String, long[]> entry = empty();

        long[] r = take(entry, new long[] {10, 1000}, new long[] {1, 300}, T0);

        assertThat(r).hasSize(10);
        assertThat(r[0]).isEqualTo(1); // requests: granted
        assertThat(r[1]).isEqualTo(10); // limit
        assertThat(r[2]).isEqualTo(9); // remaining
        assertThat(r[5]).isEqualTo(1); // tokens: granted
        assertThat(r[7]).isEqualTo(700);
    }

    @Test
    void takesNothingWhenOneBucketLacksAndSaysWhichOne() {
        Map.Entry<String, long[]> entry = empty();
        take(entry, new long[] {10, 1000}, new long[] {1, 900}, T0);

        long[] refused = take(entry, new long[] {10, 1000}, new long[] {1, 200}, T0);

        assertThat(refused[0]).isZero(); // requests: not taken...
        assertThat(refused[4]).isZero(); // ...but not the reason: no retry time
        assertThat(refused[2]).isEqualTo(9); // still 9 left
        assertThat(refused[5]).isZero(); // tokens: refused
        assertThat(refused[7]).isEqualTo(100);
        assertThat(refused[9]).isEqualTo(6_000); // 100 more tokens at 1000 per minute
        // Nothing was taken: the next request that fits is granted from the same 9 and 100.
        long[] next = take(entry, new long[] {10, 1000}, new long[] {1, 100}, T0);
        assertThat(next[0]).isEqualTo(1);
        assertThat(next[2]).isEqualTo(8);
        assertThat(next[7]).isZero();
    }

    @Test
    void settlingIsForcedAndCappedAtTheCapacity() {
        Map.Entry<String, long[]> entry = empty();
        take(entry, new long[] {10, 1000}, new long[] {1, 500}, T0);

        new TakeBuckets(new long[] {10, 1000}, new long[] {0, -400}, true, 0).apply(entry, T0); // 400 unused
        long[] overrun = new TakeBuckets(new long[] {10, 1000}, new long[] {0, 2000}, true, 0).apply(entry, T0);

        assertThat(overrun[5]).isEqualTo(1);
        assertThat(overrun[7]).isZero(); // overdrawn: shown as 0 left
        new TakeBuckets(new long[] {10, 1000}, new long[] {0, -5000}, true, 0).apply(entry, T0);
        assertThat(take(entry, new long[] {10, 1000}, new long[] {1, 0}, T0)[7]).isEqualTo(1000);
    }

    @Test
    void aGrantedTakeLendsExtrasOnlyWhileTheBucketStaysAtLeastHalfFull() {
        Map.Entry<String, long[]> entry = empty();
        long[] capacities = {100, 1000};

        long[] first =
                new TakeBuckets(capacities, new long[] {1, 100}, new long[] {10, 200}, false, 0).apply(entry, T0);
        long[] second =
                new TakeBuckets(capacities, new long[] {1, 100}, new long[] {10, 300}, false, 0).apply(entry, T0);

        assertThat(first).hasSize(12);
        assertThat(first[10]).isEqualTo(10); // requests: 100 - 1 - 10 leaves 89, above half
        assertThat(first[11]).isEqualTo(200); // tokens: 1000 - 100 - 200 leaves 700
        assertThat(first[2]).isEqualTo(89);
        assertThat(second[10]).isEqualTo(10);
        assertThat(second[11]).isEqualTo(100); // only what leaves 500 of 1000
        assertThat(second[7]).isEqualTo(500);
        long[] refused =
                new TakeBuckets(capacities, new long[] {1, 600}, new long[] {10, 300}, false, 0).apply(entry, T0);
        assertThat(refused[5]).isZero();
        assertThat(refused[10]).isZero(); // nothing lent with a refusal
        assertThat(refused[11]).isZero();
    }

    @Test
    void aStateOfAnotherShapeIsTakenAsFullBuckets() {
        Map.Entry<String, long[]> entry = empty();
        take(entry, new long[] {10}, new long[] {10}, T0); // one bucket, emptied

        long[] r = take(entry, new long[] {10, 1000}, new long[] {1, 1}, T0);

        assertThat(r[0]).isEqualTo(1);
        assertThat(r[2]).isEqualTo(9);
        assertThat(entry.getValue()).hasSize(4);
    }

    @Test
    void bucketsMustMatchTheirAmounts() {
        assertThatThrownBy(() -> new TakeBuckets(new long[] {1, 2}, new long[] {1}, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 capacities, 1 amounts");
    }
}
