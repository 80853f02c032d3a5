package io.gatehouse.admin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SecretBoxTest {
    private static final byte[] KEY = key(1);
    private static final byte[] OLD_KEY = key(2);

    @TempDir
    Path dir;

    @Test
    void sealsAndOpens() {
        SecretBox box = SecretBox.of(KEY, List.of());

        String sealed = box.seal("sk-live-123 ✓");

        assertThat(sealed).startsWith("enc:v1:" + box.keyId() + ":").doesNotContain("sk-live");
        assertThat(SecretBox.isSealed(sealed)).isTrue();
        assertThat(box.isSealedWithCurrentKey(sealed)).isTrue();
        assertThat(box.open(sealed)).isEqualTo("sk-live-123 ✓");
        assertThat(box.open(box.seal(""))).isEmpty();
    }

    @Test
    void keyIdIsTheStartOfTheKeysSha256() {
        // SHA-256 of 32 bytes of 0x01
        assertThat(SecretBox.of(KEY, List.of()).keyId()).isEqualTo("72cd6e84");
    }

    @Test
    void everySealUsesAFreshNonce() {
        SecretBox box = SecretBox.of(KEY, List.of());

        String first = box.seal("same");
        String second = box.seal("same");

        assertThat(first).isNotEqualTo(second);
        byte[] a = Base64.getUrlDecoder().decode(first.substring(first.lastIndexOf(':') + 1));
        byte[] b = Base64.getUrlDecoder().decode(second.substring(second.lastIndexOf(':') + 1));
        assertThat(Arrays.copyOf(a, 12)).isNotEqualTo(Arrays.copyOf(b, 12));
    }

    @Test
    void detectsTampering() {
        SecretBox box = SecretBox.of(KEY, List.of());
        String sealed = box.seal("sk-live-123");
        String prefix = sealed.substring(0, sealed.lastIndexOf(':') + 1);
        byte[] bytes = Base64.getUrlDecoder().decode(sealed.substring(prefix.length()));

        for (int i = 0; i < bytes.length; i++) {
            byte[] altered = bytes.clone();
            altered[i] ^= 0x01;
            String tampered = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
            assertThatThrownBy(() -> box.open(tampered))
                    .isInstanceOf(MasterKeyException.class)
                    .hasMessageContaining(box.keyId())
                    .hasMessageContaining("altered")
                    .hasMessageNotContaining("sk-live");
        }
        String truncated = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, 20));
        assertThatThrownBy(() -> box.open(truncated)).isInstanceOf(MasterKeyException.class);
    }

    @Test
    void theHeaderIsBoundToTheCiphertext() {
        SecretBox box = SecretBox.of(KEY, List.of(OLD_KEY));
        String oldId = SecretBox.of(OLD_KEY, List.of()).keyId();
        String sealed = box.seal("sk-live-123");

        String relabelled = sealed.replace(":" + box.keyId() + ":", ":" + oldId + ":");

        assertThatThrownBy(() -> box.open(relabelled)).isInstanceOf(MasterKeyException.class);
    }

    @Test
    void anUnknownKeyIdIsNamedButNoValue() {
        SecretBox old = SecretBox.of(OLD_KEY, List.of());
        String sealed = old.seal("sk-live-123");
        SecretBox box = SecretBox.of(KEY, List.of());

        assertThatThrownBy(() -> box.open(sealed))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining(old.keyId())
                .hasMessageContaining("GATEHOUSE_MASTER_KEY_PREVIOUS")
                .hasMessageNotContaining("sk-live")
                .hasMessageNotContaining(sealed.substring(sealed.lastIndexOf(':') + 1))
                .hasMessageNotContaining(Base64.getEncoder().encodeToString(KEY))
                .hasMessageNotContaining(Base64.getEncoder().encodeToString(OLD_KEY));
    }

    @Test
    void previousKeysOpenOldValuesAndNewValuesUseTheCurrentKey() {
        String sealedBefore = SecretBox.of(OLD_KEY, List.of()).seal("sk-old");
        SecretBox rotated = SecretBox.of(KEY, List.of(OLD_KEY));

        assertThat(rotated.open(sealedBefore)).isEqualTo("sk-old");
        assertThat(rotated.isSealedWithCurrentKey(sealedBefore)).isFalse();
        String resealed = rotated.seal(rotated.open(sealedBefore));
        assertThat(rotated.isSealedWithCurrentKey(resealed)).isTrue();
        assertThat(SecretBox.of(KEY, List.of()).open(resealed)).isEqualTo("sk-old");
    }

    @Test
    void recognisesSealedValues() {
        assertThat(SecretBox.isSealed("enc:v1:0123abcd:AAAA_-")).isTrue();
        assertThat(SecretBox.isSealed("sk-live-123")).isFalse();
        assertThat(SecretBox.isSealed("enc:v2:0123abcd:AAAA")).isFalse();
        assertThat(SecretBox.isSealed("enc:v1:XYZ:AAAA")).isFalse();
        assertThat(SecretBox.isSealed("enc:v1:0123abcd:")).isFalse();
        assertThatThrownBy(() -> SecretBox.of(KEY, List.of()).open("sk-live-123"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("sk-live");
    }

    @Test
    void keysMustBe32Bytes() {
        assertThatThrownBy(() -> SecretBox.of(new byte[16], List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 bytes (expected: 32)");
        assertThatThrownBy(() -> SecretBox.of(KEY, List.of(new byte[31])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("previousKeys[0]");
    }

    @Test
    void readsTheKeyFromTheEnvironment() {
        SecretBox box = SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY", base64(KEY))), null);

        assertThat(box.keyId()).isEqualTo(SecretBox.of(KEY, List.of()).keyId());
        assertThat(SecretBox.of(KEY, List.of()).open(box.seal("x"))).isEqualTo("x");
    }

    @Test
    void acceptsUrlSafeBase64AndSurroundingWhitespace() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 0xFB); // encodes with '+' and '/' in the standard alphabet
        String urlSafe = Base64.getUrlEncoder().encodeToString(key);

        SecretBox box = SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY", " " + urlSafe + "\n")), null);

        assertThat(box.keyId()).isEqualTo(SecretBox.of(key, List.of()).keyId());
    }

    @Test
    void readsTheKeyFromAFile() throws IOException {
        Path file = dir.resolve("key.b64");
        Files.writeString(file, base64(KEY) + "\n");

        SecretBox box = SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY_FILE", file.toString())), null);

        assertThat(box.keyId()).isEqualTo(SecretBox.of(KEY, List.of()).keyId());
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path file = dir.resolve("absent.b64");

        assertThatThrownBy(
                        () -> SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY_FILE", file.toString())), dir))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("GATEHOUSE_MASTER_KEY_FILE")
                .hasMessageContaining(file.toString());
    }

    @Test
    void readsPreviousKeys() {
        String sealedBefore = SecretBox.of(OLD_KEY, List.of()).seal("sk-old");
        Map<String, String> vars = Map.of(
                "GATEHOUSE_MASTER_KEY",
                base64(KEY),
                "GATEHOUSE_MASTER_KEY_PREVIOUS",
                " " + base64(key(3)) + " , ," + base64(OLD_KEY));

        SecretBox box = SecretBox.fromEnvironment(env(vars), null);

        assertThat(box.open(sealedBefore)).isEqualTo("sk-old");
    }

    @Test
    void generatesAKeyOnceAndReusesIt() throws IOException {
        Path data = dir.resolve("data");

        SecretBox first = SecretBox.fromEnvironment(env(Map.of()), data);
        SecretBox second = SecretBox.fromEnvironment(env(Map.of()), data);

        Path file = data.resolve("master.key");
        assertThat(file).exists();
        assertThat(Base64.getDecoder()
                        .decode(Files.readString(file, StandardCharsets.US_ASCII)
                                .strip()))
                .hasSize(32);
        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(second.open(first.seal("x"))).isEqualTo("x");
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(file))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        try (var files = Files.list(data)) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void aConfiguredKeyWinsOverTheGeneratedOne() {
        SecretBox generated = SecretBox.fromEnvironment(env(Map.of()), dir);

        SecretBox configured = SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY", base64(KEY))), dir);

        assertThat(configured.keyId())
                .isNotEqualTo(generated.keyId())
                .isEqualTo(SecretBox.of(KEY, List.of()).keyId());
    }

    @Test
    void withoutAnyKeyTellsTheOperatorWhatToSet() {
        assertThatThrownBy(() -> SecretBox.fromEnvironment(env(Map.of()), null))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("GATEHOUSE_MASTER_KEY")
                .hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void badKeysNameTheVariableButNotTheValue() {
        String shortKey = base64(new byte[16]);
        assertThatThrownBy(() -> SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY", shortKey)), null))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("GATEHOUSE_MASTER_KEY decodes to 16 bytes (expected: 32)")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(
                        () -> SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY", "not*base64!secret")), null))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("GATEHOUSE_MASTER_KEY is not valid base64")
                .hasMessageNotContaining("not*base64!secret");
        assertThatThrownBy(() -> SecretBox.fromEnvironment(
                        env(Map.of(
                                "GATEHOUSE_MASTER_KEY",
                                base64(KEY),
                                "GATEHOUSE_MASTER_KEY_PREVIOUS",
                                base64(OLD_KEY) + ",c2hvcnQ=")),
                        null))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("GATEHOUSE_MASTER_KEY_PREVIOUS (entry 2) decodes to 5 bytes")
                .hasMessageNotContaining("c2hvcnQ=");
    }

    @Test
    void aBadKeyFileNamesTheVariable() throws IOException {
        Path file = dir.resolve("key.b64");
        Files.writeString(file, "dG9vIHNob3J0");

        assertThatThrownBy(() ->
                        SecretBox.fromEnvironment(env(Map.of("GATEHOUSE_MASTER_KEY_FILE", file.toString())), null))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("GATEHOUSE_MASTER_KEY_FILE")
                .hasMessageNotContaining("dG9vIHNob3J0");
    }

    @Test
    void bothVariablesAtOnceAreAmbiguous() throws IOException {
        Path file = dir.resolve("key.b64");
        Files.writeString(file, base64(KEY));

        assertThatThrownBy(() -> SecretBox.fromEnvironment(
                        env(Map.of(
                                "GATEHOUSE_MASTER_KEY", base64(OLD_KEY), "GATEHOUSE_MASTER_KEY_FILE", file.toString())),
                        null))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("only one");
    }

    private static Function<String, @Nullable String> env(Map<String, String> vars) {
        Map<String, String> copy = new HashMap<>(vars);
        return copy::get;
    }

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
