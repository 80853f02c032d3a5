package io.gatehouse.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SentBodyTest {

    @Test
    void theModelIsFoundWhereTheClientPutItWhateverItsSpacingAndEscapes() {
        SentBody sent = sent("\uFEFF \n{ \"messages\" : [] ,\n\t\"mod\\u0065l\" :  \"sm\\u0061rt\"\r\n}  ");

        assertThat(slice(sent, sent.memberStart(), sent.valueEnd())).isEqualTo("\"mod\\u0065l\" :  \"sm\\u0061rt\"");
        assertThat(slice(sent, sent.valueStart(), sent.valueEnd())).isEqualTo("\"sm\\u0061rt\"");
    }

    @Test
    void withModelChangesOnlyTheModelsValue() {
        String json =
                "{ \"temperature\": 1e2, \"model\" : \"smart\",\n \"messages\": [{\"content\":\"caf\\u00e9 \\\"x\\\"\"}] }\n";

        String relayed = relay(sent(json).withModel("gpt-4o", ""));

        assertThat(relayed).isEqualTo(json.replace("\"smart\"", "\"gpt-4o\""));
    }

    @Test
    void withModelWritesTheNewModelAsAJsonString() {
        String relayed = relay(sent("{\"model\":\"m\",\"messages\":[]}").withModel("a\"b\\c\u00e9", ""));

        assertThat(relayed).isEqualTo("{\"model\":\"a\\\"b\\\\c\u00e9\",\"messages\":[]}");
    }

    @Test
    void extraMembersGoBeforeTheClosingBraceAndTrailingSpaceIsKept() {
        String relayed = relay(sent("{\"model\":\"m\",\"stream\":true} \n").withModel("u", ",\"x\":1"));

        assertThat(relayed).isEqualTo("{\"model\":\"u\",\"stream\":true,\"x\":1} \n");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"model\":\"m\",\"a\":1,\"b\":2}                  | {\"a\":1,\"b\":2}",
                "{\"a\":1, \"model\" : \"m\" ,\"b\":2}              | {\"a\":1 ,\"b\":2}",
                "{\"a\":1,\"b\":2 , \"model\":\"m\"}                | {\"a\":1,\"b\":2 }",
                "{ \"model\":\"m\" }                                | {  }",
            })
    void withoutModelTakesTheMemberAndOneCommaBesideIt(String json, String expected) {
        String relayed = relay(sent(json.strip()).withoutModel(""));

        assertThat(relayed).isEqualTo(expected.strip());
        assertThat(JsonBodies.parseObject(relayed.getBytes(StandardCharsets.UTF_8))
                        .has("model"))
                .isFalse();
    }

    @Test
    void withoutModelStillAddsExtraMembers() {
        String relayed = relay(sent("{\"model\":\"m\",\"stream\":true}").withoutModel(",\"x\":1"));

        assertThat(relayed).isEqualTo("{\"stream\":true,\"x\":1}");
    }

    @Test
    void aModelThatIsNotAStringIsNotLocated() {
        assertThat(JsonBodies.parse(utf8("{\"model\":42}")).sent()).isNull();
        assertThat(JsonBodies.parse(utf8("{\"messages\":[]}")).sent()).isNull();
        assertThat(JsonBodies.parse(utf8("{\"meta\":{\"model\":\"nested\"}}")).sent())
                .isNull();
    }

    @Test
    void theParsedTreeIsTheWholeBody() {
        String json = "{\"model\":\"m\",\"n\":null,\"nested\":{\"a\":[1,2.5,\"x\",true,null]},\"s\":\"t\"}";

        JsonBodies.Parsed parsed = JsonBodies.parse(utf8(json));

        assertThat(parsed.body().toString()).isEqualTo(json);
        assertThat(parsed.body().get("n").isNull()).isTrue();
    }

    private static SentBody sent(String json) {
        SentBody sent = JsonBodies.parse(utf8(json)).sent();
        assertThat(sent).as("the model of %s", json).isNotNull();
        return sent;
    }

    /** The bytes from {@code from} to {@code to}: offsets count bytes, not characters. */
    private static String slice(SentBody sent, int from, int to) {
        return new String(Arrays.copyOfRange(sent.bytes(), from, to), StandardCharsets.UTF_8);
    }

    private static String relay(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
