package io.gatehouse.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"a\":\"bc\"}                  | {\"ab\":\"c\"}",
                "[\"a\",\"b\"]                   | [\"ab\"]",
                "[[\"a\"],\"b\"]                 | [[\"a\",\"b\"]]",
                "{\"a\":1,\"b\":2}               | {\"b\":2,\"a\":1}",
                "{\"a\":{}}                      | {\"a\":[]}",
                "1                               | 1.0",
                "1                               | \"1\"",
                "true                            | \"true\"",
                "null                            | \"null\"",
                "null                            | {}",
                "{\"a\":null}                    | {}",
                "\"\"                            | []",
            })
    void differentValuesDigestApart(String one, String other) {
        assertThat(digest(one)).isNotEqualTo(digest(other));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"a\":[1,true,null,\"x\"]}     | { \"a\" : [ 1 , true , null , \"x\" ] }",
                "\"caf\u00e9\"                   | \"caf\\u00e9\"",
                "{\"model\":\"m\"}               | {\"mod\\u0065l\":\"m\"}",
                "0.25                            | 2.5E-1",
            })
    void theSameValueDigestsAlikeHoweverItWasSpelled(String one, String other) {
        assertThat(digest(one)).isEqualTo(digest(other));
    }

    @Test
    void onlyParsedJsonCanBeDigested() {
        assertThatThrownBy(() -> CanonicalJson.update(sha256(), JsonNodeFactory.instance.pojoNode(new Object())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aValueLongerThanTheBufferDigestsWhole() {
        String longText = "x".repeat(5000);
        String manyValues = "[" + "\"ab\",".repeat(500) + "1]";

        assertThat(digest("[\"" + longText + "\",1]")).isNotEqualTo(digest("[\"" + longText + "\",2]"));
        assertThat(digest(manyValues)).isNotEqualTo(digest(manyValues.replace("1]", "2]")));
        assertThat(digest(manyValues)).isEqualTo(digest(manyValues.replace(",", " , ")));
    }

    private static String digest(String json) {
        MessageDigest digest = sha256();
        try {
            CanonicalJson.update(digest, Json.MAPPER.readTree(json.getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
