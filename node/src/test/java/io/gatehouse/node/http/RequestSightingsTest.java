package io.gatehouse.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestSightingsTest {
    private final RequestSightings sightings = new RequestSightings();
    private final Random random = new Random(11);

    @Test
    void aRequestIsSeenEnoughOnceItCameMinUsesTimes() {
        String key = key();

        assertThat(sightings.seenEnough(key, 3)).isFalse();
        assertThat(sightings.seenEnough(key, 3)).isFalse();
        assertThat(sightings.seenEnough(key, 3)).isTrue();
        assertThat(sightings.seenEnough(key, 3)).isTrue();
        assertThat(sightings.seenEnough(key(), 1)).isTrue();
    }

    @Test
    void requestsAreCountedApartAndUpToAHundredTimes() {
        String often = key();
        String once = key();
        for (int i = 1; i < 100; i++) {
            assertThat(sightings.seenEnough(often, 100)).isFalse();
        }
        sightings.seenEnough(once, 2);

        assertThat(sightings.seenEnough(often, 100)).isTrue();
        assertThat(sightings.seenEnough(key(), 2)).isFalse();
        assertThat(sightings.seenEnough(once, 2)).isTrue();
    }

    @Test
    void theLastHundredThousandRequestsAreMostlyRemembered() {
        String[] keys = new String[100_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key();
            sightings.seenEnough(keys[i], 2);
        }

        int remembered = 0;
        for (String key : keys) {
            if (sightings.seenEnough(key, 2)) {
                remembered++;
            }
        }
        assertThat(remembered).isGreaterThan(90_000);
    }

    @Test
    void aRequestSeenOftenOutlivesRequestsSeenOnce() {
        String often = key();
        for (int i = 0; i < 5; i++) {
            sightings.seenEnough(often, 2);
        }
        for (int i = 0; i < 1_000_000; i++) {
            sightings.seenEnough(key(), 2);
        }

        assertThat(sightings.seenEnough(often, 2)).isTrue();
    }

    /** A key as the cache makes them: {@code v2:} and a SHA-256 in hex. */
    private String key() {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return "v2:" + HexFormat.of().formatHex(digest);
    }
}
