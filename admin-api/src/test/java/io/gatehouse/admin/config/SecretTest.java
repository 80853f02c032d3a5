package io.gatehouse.admin.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void toStringIsMasked() {
        Secret secret = new Secret("sk-very-secret");

        assertThat(secret.toString()).isEqualTo("****");
        assertThat(String.valueOf(secret)).doesNotContain("sk-very-secret");
        assertThat("key=" + secret).isEqualTo("key=****");
    }

    @Test
    void revealGivesTheValue() {
        assertThat(new Secret("sk-very-secret").reveal()).isEqualTo("sk-very-secret");
    }

    @Test
    void secretsWithTheSameValueAreEqual() {
        assertThat(new Secret("a")).isEqualTo(new Secret("a")).hasSameHashCodeAs(new Secret("a"));
        assertThat(new Secret("a")).isNotEqualTo(new Secret("b"));
    }
}
