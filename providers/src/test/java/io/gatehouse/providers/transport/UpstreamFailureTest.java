package io.gatehouse.providers.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.transport.UpstreamFailure.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UpstreamFailureTest {

    @ParameterizedTest
    @EnumSource(
            value = Kind.class,
            names = {"CONNECT_TIMEOUT", "FIRST_BYTE_TIMEOUT", "IDLE_TIMEOUT"})
    void timeoutsBecome504(Kind kind) {
        ApiError error = new UpstreamFailure(kind, "after 60s").toApiError("openai");

        assertThat(kind.isTimeout()).isTrue();
        assertThat(error.status()).isEqualTo(504);
        assertThat(error.type()).isEqualTo("timeout_error");
        assertThat(error.message()).contains("'openai'");
    }

    @ParameterizedTest
    @EnumSource(
            value = Kind.class,
            mode = EnumSource.Mode.EXCLUDE,
            names = {"CONNECT_TIMEOUT", "FIRST_BYTE_TIMEOUT", "IDLE_TIMEOUT"})
    void everyOtherFailureBecomes502(Kind kind) {
        ApiError error = new UpstreamFailure(kind, "connection refused").toApiError("azure-east");

        assertThat(kind.isTimeout()).isFalse();
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("upstream_error");
        assertThat(error.message()).contains("'azure-east'");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theClientNeverSeesTheTransportDetail(Kind kind) {
        ApiError error = new UpstreamFailure(kind, "10.0.0.7:443 refused").toApiError("openai");

        assertThat(error.message()).doesNotContain("10.0.0.7");
    }
}
