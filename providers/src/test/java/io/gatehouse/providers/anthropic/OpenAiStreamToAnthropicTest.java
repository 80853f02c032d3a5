package io.gatehouse.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.Usage;
import io.gatehouse.providers.sse.SseEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiStreamToAnthropicTest {

    @Test
    void turnsTextAndToolCallChunksIntoAnthropicsEventSequence() {
        OpenAiStreamToAnthropic encoder = new OpenAiStreamToAnthropic();
        List<SseEvent> events = new ArrayList<>();
        for (String chunk :
                AnthropicFixtures.text("inbound-stream-tool-calls.events").split("\n")) {
            encoder.chunk(chunk.getBytes(StandardCharsets.UTF_8), events);
        }
        encoder.end(new Usage(1200, 48), events);

        assertThat(events)
                .extracting(SseEvent::event)
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        for (SseEvent event : events) {
            assertThat(data(event).get("type").asText()).isEqualTo(event.event());
        }
        JsonNode start = data(events.get(0)).get("message");
        assertThat(start.get("id").asText()).isEqualTo("chatcmpl-CbQ8a1");
        assertThat(start.get("model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(start.get("content")).isEmpty();
        assertThat(data(events.get(1)).get("content_block"))
                .isEqualTo(AnthropicFixtures.read("{\"type\":\"text\",\"text\":\"\"}"));
        assertThat(data(events.get(3)).at("/delta/text").asText()).isEqualTo(" both files.");
        JsonNode firstTool = data(events.get(5));
        assertThat(firstTool.get("index").asInt()).isEqualTo(1);
        assertThat(firstTool.get("content_block"))
                .isEqualTo(
                        AnthropicFixtures.read(
                                "{\"type\":\"tool_use\",\"id\":\"call_A1b2C3d4E5f6G7h8\",\"name\":\"read_file\",\"input\":{}}"));
        String arguments = data(events.get(6)).at("/delta/partial_json").asText()
                + data(events.get(7)).at("/delta/partial_json").asText();
        assertThat(AnthropicFixtures.read(arguments)).isEqualTo(AnthropicFixtures.read("{\"path\":\"pom.xml\"}"));
        assertThat(data(events.get(6)).at("/delta/type").asText()).isEqualTo("input_json_delta");
        assertThat(data(events.get(10)).get("index").asInt()).isEqualTo(2);
        JsonNode messageDelta = data(events.get(12));
        assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(messageDelta.at("/usage/output_tokens").asLong()).isEqualTo(48);
        assertThat(messageDelta.at("/usage/input_tokens").asLong()).isEqualTo(1200);
    }

    @Test
    void usageOnlyChunksAddNothing() {
        OpenAiStreamToAnthropic encoder = new OpenAiStreamToAnthropic();
        List<SseEvent> events = new ArrayList<>();
        encoder.chunk(
                AnthropicFixtures.quoted("{'id':'c','model':'m','choices':[{'index':0,'delta':{'content':'hi'}}]}"),
                events);
        int before = events.size();

        encoder.chunk(
                AnthropicFixtures.quoted("{'id':'c','model':'m','choices':[],'usage':{'prompt_tokens':3}}"), events);

        assertThat(events).hasSize(before);
    }

    @Test
    void aStreamWithoutChunksStillHasTheWholeSequence() {
        OpenAiStreamToAnthropic encoder = new OpenAiStreamToAnthropic();
        List<SseEvent> events = new ArrayList<>();

        encoder.end(Usage.NONE, events);

        assertThat(events)
                .extracting(SseEvent::event)
                .containsExactly("message_start", "message_delta", "message_stop");
        assertThat(data(events.get(1)).at("/delta/stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void aLengthFinishIsMaxTokens() {
        OpenAiStreamToAnthropic encoder = new OpenAiStreamToAnthropic();
        List<SseEvent> events = new ArrayList<>();
        encoder.chunk(
                AnthropicFixtures.quoted("{'id':'c','model':'m','choices':[{'index':0,'delta':{'content':'Par'},"
                        + "'finish_reason':'length'}]}"),
                events);
        encoder.end(new Usage(5, 1), events);

        assertThat(events)
                .extracting(SseEvent::event)
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(data(events.get(4)).at("/delta/stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void anErrorIsAnErrorEventInAnthropicsShape() {
        SseEvent event = OpenAiStreamToAnthropic.error(ApiError.upstreamFailed("Provider 'x' ended the stream early."));

        assertThat(event.event()).isEqualTo("error");
        assertThat(data(event).get("type").asText()).isEqualTo("error");
        assertThat(data(event).at("/error/type").asText()).isEqualTo("api_error");
        assertThat(data(event).at("/error/message").asText()).isEqualTo("Provider 'x' ended the stream early.");
    }

    private static JsonNode data(SseEvent event) {
        return AnthropicFixtures.read(event.data());
    }
}
