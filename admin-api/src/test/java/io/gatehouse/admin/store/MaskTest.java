package io.gatehouse.admin.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

class MaskTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void replacesEverySealedStringAndNothingElse() throws Exception {
        JsonNode spec = JSON.readTree("{\"key\":\"enc:v1:0123abcd:AAAA\",\"list\":[\"enc:x\",\"plain\",1,null,"
                + "{\"deep\":{\"k\":\"enc:v1:ffffffff:BBBB\"}}],\"enc:name\":\"not sealed\",\"flag\":true}");

        JsonNode masked = ConfigRepository.mask(spec);

        assertThat(masked)
                .isEqualTo(JSON.readTree("{\"key\":\"********\",\"list\":[\"********\",\"plain\",1,null,"
                        + "{\"deep\":{\"k\":\"********\"}}],\"enc:name\":\"not sealed\",\"flag\":true}"));
        assertThat(spec.get("key").asText()).startsWith("enc:"); // the input is untouched
    }
}
