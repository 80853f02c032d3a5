package io.gatehouse.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {

    @Test
    void writesWhatJacksonWouldAndReadsBack() throws Exception {
        AccessLogHandler.JsonLine line = new AccessLogHandler.JsonLine();
        line.put("ts", "2026-11-22T05:00:00.123Z");
        line.put("path", "/v1/chat/completions");
        line.put("status", 200);
        line.put("principal", "al\"ice\\ \n\t\r\b\f\u0001é🦄");
        line.put("tenant", (String) null);
        line.put("latency_ms", 0.4521);
        line.put("client_gone", true);

        String text = line.toString();
        JsonNode parsed = Json.MAPPER.readTree(text);

        assertThat(text).isEqualTo(Json.MAPPER.writeValueAsString(parsed));
        assertThat(parsed.get("principal").asText()).isEqualTo("al\"ice\\ \n\t\r\b\f\u0001é🦄");
        assertThat(parsed.get("status").asInt()).isEqualTo(200);
        assertThat(parsed.get("tenant").isNull()).isTrue();
        assertThat(parsed.get("latency_ms").asDouble()).isEqualTo(0.4521);
        assertThat(parsed.get("client_gone").asBoolean()).isTrue();
    }

    @Test
    void writesInstantsInUtcWithAllNineDigitsOfTheirFraction() throws Exception {
        for (String instant : List.of(
                "2026-11-22T01:12:42.783504249Z",
                "2026-11-22T01:12:42.000004200Z",
                "2026-11-22T01:12:43.000000000Z",
                "1999-12-31T23:59:59.999999999Z")) {
            AccessLogHandler.JsonLine line = new AccessLogHandler.JsonLine();
            line.put("ts", Instant.parse(instant));

            assertThat(line.toString()).isEqualTo("{\"ts\":\"" + instant + "\"}");
        }
    }

    @Test
    void anEmptyLineIsAnEmptyObject() {
        assertThat(new AccessLogHandler.JsonLine().toString()).isEqualTo("{}");
    }
}
