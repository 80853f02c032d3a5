package io.gatehouse.providers;

import static io.gatehouse.providers.ChatRequestTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddingRequestTest {

    @Test
    void parsesASingleString() {
        EmbeddingRequest request = parse("{'model':'text-embedding-3-small','input':'hello'}");

        assertThat(request.model()).isEqualTo("text-embedding-3-small");
        assertThat(request.inputs()).containsExactly("hello");
        assertThat(request.dimensions()).isNull();
    }

    @Test
    void parsesAnArrayOfStrings() {
        assertThat(parse("{'model':'m','input':['a','b','c']}").inputs()).containsExactly("a", "b", "c");
    }

    @Test
    void parsesATokenArrayAsOneInput() {
        assertThat(parse("{'model':'m','input':[1,2,3]}").inputs()).containsExactly("1 2 3 ");
    }

    @Test
    void parsesAnArrayOfTokenArrays() {
        assertThat(parse("{'model':'m','input':[[1,2],[3]]}").inputs()).containsExactly("1 2 ", "3 ");
    }

    @Test
    void readsDimensionsAndTheEncodingFormat() {
        EmbeddingRequest request = parse("{'model':'m','input':'x','dimensions':64,'encoding_format':'base64'}");

        assertThat(request.dimensions()).isEqualTo(64);
        assertThat(request.body().get("encoding_format").asText()).isEqualTo("base64");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            {'input':'x'}                                   | model           | 'model' is required
            {'model':'','input':'x'}                        | model           | non-empty string
            {'model':'m'}                                   | input           | 'input' is required
            {'model':'m','input':null}                      | input           | 'input' is required
            {'model':'m','input':[]}                        | input           | 'input' must be a string
            {'model':'m','input':42}                        | input           | 'input' must be a string
            {'model':'m','input':['a',7]}                   | input           | 'input' must be a string
            {'model':'m','input':[1,'a']}                   | input           | must be an array of integer token ids
            {'model':'m','input':[[1],['a']]}               | input           | input[1] must be an array of integer token ids
            {'model':'m','input':'x','encoding_format':'hex'} | encoding_format | expected: float or base64
            {'model':'m','input':'x','dimensions':0}        | dimensions      | positive integer
            {'model':'m','input':'x','dimensions':'64'}     | dimensions      | positive integer
            """)
    void rejectsAnInvalidFieldWithA400NamingIt(String body, String param, String message) {
        ApiError error = parseError(body);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains(message);
    }

    @Test
    void rejectsMoreThan2048Inputs() {
        String inputs = "'x',".repeat(2048) + "'x'";

        ApiError error = parseError("{'model':'m','input':[" + inputs + "]}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("input");
    }

    @Test
    void rejectsMalformedJsonAndNonObjects() {
        assertThat(parseError("{'model':").message()).contains("not valid JSON");
        assertThat(parseError("['x']").message()).contains("must be a JSON object");
        assertThat(parseError("{'model':'m','model':'n','input':'x'}").status()).isEqualTo(400);
    }

    private static EmbeddingRequest parse(String json) {
        return EmbeddingRequest.parse(utf8(json));
    }

    private static ApiError parseError(String json) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> EmbeddingRequest.parse(utf8(json)));
        assertThat(e).as("an ApiException for %s", json).isNotNull();
        return e.error();
    }

    @Test
    void dimensionsAreCapped() {
        ApiException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                ApiException.class,
                () -> EmbeddingRequest.parse("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":100000000}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThat(e.error().status()).isEqualTo(400);
        assertThat(e.error().param()).isEqualTo("dimensions");
    }
}
