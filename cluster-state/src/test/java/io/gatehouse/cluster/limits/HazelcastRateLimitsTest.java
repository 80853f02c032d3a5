package io.gatehouse.cluster.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HazelcastRateLimitsTest {

    @Test
    void aWholeClusterHasTheWholeCapacity() {
        assertThat(HazelcastRateLimits.share(400, 4, 4)).isEqualTo(400);
        assertThat(HazelcastRateLimits.share(400, 5, 4)).isEqualTo(400); // more members than expected
    }

    @Test
    void aSideOfASplitHasItsPartOfTheExpectedMembers() {
        assertThat(HazelcastRateLimits.share(400, 2, 4)).isEqualTo(200);
        assertThat(HazelcastRateLimits.share(400, 1, 3)).isEqualTo(133); // rounded down
    }

    @Test
    void aShareIsNeverZero() {
        assertThat(HazelcastRateLimits.share(2, 1, 4)).isEqualTo(1);
    }
}
