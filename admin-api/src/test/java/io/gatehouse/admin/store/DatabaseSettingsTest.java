package io.gatehouse.admin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.admin.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {
    private static final String PG = "jdbc:postgresql://db:5432/gatehouse";

    @Test
    void embeddedIsAnH2FileInPostgresModeUnderTheDataDirectory(@TempDir Path dir) {
        DatabaseSettings settings = DatabaseSettings.embedded(dir);

        assertThat(settings.url())
                .isEqualTo("jdbc:h2:file:" + dir.toAbsolutePath().resolve("gatehouse")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        assertThat(settings.user()).isEqualTo("sa");
        assertThat(settings.password()).isNull();
        assertThat(settings.schema()).isNull();
        assertThat(settings.isEmbeddedH2()).isTrue();
    }

    @Test
    void knowsWhichDatabasesAreEmbedded() {
        assertThat(settings("jdbc:h2:mem:x").isEmbeddedH2()).isTrue();
        assertThat(settings("jdbc:h2:file:/var/lib/gatehouse/db").isEmbeddedH2())
                .isTrue();
        assertThat(settings("jdbc:h2:tcp://localhost/mem:x").isEmbeddedH2()).isFalse();
        assertThat(settings(PG).isEmbeddedH2()).isFalse();
    }

    @Test
    void withUrlKeepsTheRest() {
        DatabaseSettings settings =
                new DatabaseSettings(PG, "gh", new Secret("pw"), "gatehouse", 7, Duration.ofSeconds(3));

        DatabaseSettings moved = settings.withUrl("jdbc:postgresql://127.0.0.1:6000/gatehouse");

        assertThat(moved)
                .isEqualTo(new DatabaseSettings(
                        "jdbc:postgresql://127.0.0.1:6000/gatehouse",
                        "gh",
                        new Secret("pw"),
                        "gatehouse",
                        7,
                        Duration.ofSeconds(3)));
    }

    @Test
    void toStringShowsNoPassword() {
        DatabaseSettings settings = new DatabaseSettings(
                PG + "?user=gh&password=hunter2&ssl=true", "gh", new Secret("s3cret"), null, 5, Duration.ofSeconds(5));

        assertThat(settings.toString())
                .doesNotContain("hunter2")
                .doesNotContain("s3cret")
                .contains("password=****&ssl=true");
    }

    @Test
    void checksItsValues() {
        assertThatThrownBy(() -> settings("postgresql://db/gatehouse"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a PostgreSQL JDBC URL");
        assertThatThrownBy(() -> settings("jdbc:mysql://db/gatehouse?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:mysql://db/gatehouse?password=****")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new DatabaseSettings(PG, null, null, "Gate-House", 5, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Gate-House'");
        assertThatThrownBy(() -> new DatabaseSettings(PG, null, null, null, 0, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database maxPoolSize: 0 (expected: 1..100)");
        assertThatThrownBy(() -> new DatabaseSettings(PG, null, null, null, 5, Duration.ofMillis(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database connectTimeout: PT0.1S (expected: at least 250 ms)");
    }

    private static DatabaseSettings settings(String url) {
        return new DatabaseSettings(url, null, null, null, 5, Duration.ofSeconds(5));
    }
}
