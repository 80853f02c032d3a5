package io.gatehouse.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TakeTokensTest {
    private static final long T0 = 1_000_000;

    private static Map.Entry<String, long[]> empty() {
        return new AbstractMap.SimpleEntry<>("k", null);
    }

    private static BucketResult take(Map.Entry<String, long[]> bucket, long capacity, long amount, long now) {
        long[] r = new TakeTokens(capacity, amount, false).apply(bucket, now);
        return new BucketResult(r[0] == 1, r[1], r[2], r[3], r[4]);
    }

    @Test
    void aNewBucketIsFullAndRefusesOnceEmpty() {
        Map.Entry<String, long[]> bucket = empty();
        for (int i = 0; i < 10; i++) {
            assertThat(take(bucket, 10, 1, T0).granted()).isTrue();
        }

        BucketResult refused = take(bucket, 10, 1, T0);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterMillis()).isEqualTo(6_000); // one of 10 per minute
        assertThat(refused.resetMillis()).isEqualTo(60_000);
    }

    @Test
    void tokensRefillContinuouslyAtCapacityPerMinute() {
        Map.Entry<String, long[]> bucket = empty();
        take(bucket, 600, 600, T0);

        assertThat(take(bucket, 600, 1, T0 + 50).granted()).isFalse();
        assertThat(take(bucket, 600, 1, T0 + 100).granted()).isTrue(); // 10 per second
        assertThat(take(bucket, 600, 600, T0 + 60_000 + 100).granted()).isTrue();
    }

    @Test
    void aTakeLargerThanWhatIsLeftIsRefusedAndTakesNothing() {
        Map.Entry<String, long[]> bucket = empty();
        take(bucket, 1000, 900, T0);

        BucketResult refused = take(bucket, 1000, 200, T0);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.remaining()).isEqualTo(100);
        assertThat(refused.retryAfterMillis()).isEqualTo(6_000);
    }

    @Test
    void settlingGivesBackUnusedTokensAndChargesOverruns() {
        Map.Entry<String, long[]> bucket = empty();
        take(bucket, 1000, 800, T0);

        new TakeTokens(1000, -300, true).apply(bucket, T0); // estimate was 300 too high
        assertThat(take(bucket, 1000, 0, T0).remaining()).isEqualTo(500);

        new TakeTokens(1000, 700, true).apply(bucket, T0); // actual use above the estimate
        BucketResult overdrawn = take(bucket, 1000, 1, T0);
        assertThat(overdrawn.granted()).isFalse();
        assertThat(overdrawn.remaining()).isZero();
    }

    @Test
    void givingBackNeverFillsBeyondCapacity() {
        Map.Entry<String, long[]> bucket = empty();
        new TakeTokens(100, -50, true).apply(bucket, T0);

        assertThat(take(bucket, 100, 0, T0).remaining()).isEqualTo(100);
    }

    @Test
    void aSmallerCapacityClampsWhatIsStored() {
        Map.Entry<String, long[]> bucket = empty();
        take(bucket, 100, 1, T0);

        assertThat(take(bucket, 50, 0, T0).remaining()).isEqualTo(50);
    }
}
