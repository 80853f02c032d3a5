package io.gatehouse.providers.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.providers.ChatRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenCounterTest {

    private static final TokenCounter TOKENS = TokenCounter.o200k();

    @Test
    void countsKnownStringsWithO200kBase() {
        assertThat(TOKENS.count("hello world")).isEqualTo(2);
        assertThat(TOKENS.count("Hello, world!")).isEqualTo(4);
        assertThat(TOKENS.count("Hello!")).isEqualTo(2);
        assertThat(TOKENS.count("You are a helpful assistant.")).isEqualTo(6);
        assertThat(TOKENS.count("")).isZero();
    }

    @Test
    void encodeAndDecodeRoundTrip() {
        String text = "Grüße aus Zürich 🦄 — 漢字";

        assertThat(TOKENS.decode(TOKENS.encode(text))).isEqualTo(text);
        assertThat(TOKENS.encode(text).size()).isEqualTo(TOKENS.count(text));
    }

    @Test
    void aRoughCountIsAQuarterOfTheUtf8Bytes() {
        assertThat(TokenCounter.rough("")).isZero();
        assertThat(TokenCounter.rough("hi")).isEqualTo(1);
        assertThat(TokenCounter.rough("hello world")).isEqualTo(3); // 11 bytes
        assertThat(TokenCounter.rough("Grüße")).isEqualTo(2); // 7 bytes
        assertThat(TokenCounter.rough("漢字漢字")).isEqualTo(3); // 12 bytes
        assertThat(TokenCounter.rough("🦄🦄")).isEqualTo(2); // 8 bytes
    }

    @Test
    void aRoughPromptHasTheSameFramingAndIsNearTheCountForProse() {
        ChatRequest hi = chat("{'model':'m','messages':[{'role':'user','content':'hi'}]}");
        assertThat(TokenCounter.roughPrompt(hi))
                .isEqualTo(TOKENS.countPrompt(hi))
                .isEqualTo(8);

        String prose = "The gateway routes each request to a healthy deployment and streams tokens back. ".repeat(20);
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'" + prose + "'}]}");
        assertThat((double) TokenCounter.roughPrompt(request))
                .isBetween(0.7 * TOKENS.countPrompt(request), 1.5 * TOKENS.countPrompt(request));
    }

    @Test
    void specialTokenTextIsCountedAsOrdinaryText() {
        assertThat(TOKENS.count("<|endoftext|>")).isGreaterThan(1);
    }

    @Test
    void aPromptCostsThreePerMessagePlusThree() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'user','content':'hello world'}]}");

        // 3 (reply priming) + 3 (message framing) + 1 ("user") + 2 ("hello world")
        assertThat(TOKENS.countPrompt(request)).isEqualTo(9);
    }

    @Test
    void countsASystemAndUserPromptAsOpenAiBillsIt() {
        ChatRequest request =
                chat("{'model':'m','messages':[{'role':'system','content':'You are a helpful assistant.'},"
                        + "{'role':'user','content':'Hello!'}]}");

        assertThat(TOKENS.countPrompt(request)).isEqualTo(3 + (3 + 1 + 6) + (3 + 1 + 2));
    }

    @Test
    void everyMessageAddsItsFraming() {
        String message = "{'role':'user','content':'hello world'}";
        ChatRequest one = chat("{'model':'m','messages':[" + message + "]}");
        ChatRequest three = chat("{'model':'m','messages':[" + message + "," + message + "," + message + "]}");

        assertThat(TOKENS.countPrompt(three) - TOKENS.countPrompt(one)).isEqualTo(2 * (3 + 1 + 2));
    }

    @Test
    void countsTextPartsImagesAndNames() {
        ChatRequest parts = chat("{'model':'m','messages':[{'role':'user','name':'alice','content':["
                + "{'type':'text','text':'hello world'},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/cat.png'}}]}]}");

        // 3 + 3 + 1 ("user") + 1 ("alice") + 1 (name) + 2 ("hello world") + 85 (image)
        assertThat(TOKENS.countPrompt(parts)).isEqualTo(3 + 3 + 1 + 1 + 1 + 2 + 85);
    }

    @Test
    void aMessageWithoutContentCostsOnlyItsFraming() {
        ChatRequest request = chat("{'model':'m','messages':[{'role':'assistant','content':null}]}");

        assertThat(TOKENS.countPrompt(request)).isEqualTo(3 + 3 + 1);
    }

    @Test
    void countsToolDefinitionsAndToolCalls() {
        String tools = "[{'type':'function','function':{'name':'get_weather','parameters':{'type':'object'}}}]";
        ChatRequest without = chat("{'model':'m','messages':[{'role':'user','content':'weather?'}]}");
        ChatRequest with =
                chat("{'model':'m','messages':[{'role':'user','content':'weather?'}],'tools':" + tools + "}");

        assertThat(TOKENS.countPrompt(with) - TOKENS.countPrompt(without))
                .isEqualTo(TOKENS.count(tools.replace('\'', '"')));
    }

    private static ChatRequest chat(String json) {
        return ChatRequest.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLongTextIsCountedInSlicesWithinAFewTokensOfTheExactCount() {
        TokenCounter counter = TokenCounter.o200k();
        String text = "The gateway counts every prompt before it calls a provider. ".repeat(2_000);

        int exact = com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE)
                .countTokensOrdinary(text);

        assertThat(counter.count(text)).isBetween(exact - exact / 100, exact + exact / 100);
    }

    @Test
    void aLongTextIsEstimatedFromASampleAndAShortOneCountedExactly() {
        TokenCounter counter = TokenCounter.o200k();
        String shortText = "The gateway counts every prompt.";
        String longText = "The gateway estimates long prompts from a sample. ".repeat(5_000);

        assertThat(counter.estimate(shortText)).isEqualTo(counter.count(shortText));
        int exact = counter.count(longText);
        assertThat(counter.estimate(longText)).isBetween(exact - exact / 50, exact + exact / 50);
    }
}
