package io.gatehouse.node.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Provider wire-format samples under {@code src/test/resources/fixtures}. */
public final class Fixtures {
    private Fixtures() {}

    public static String text(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stream fixture: one event's data per line. */
    public static List<String> events(String path) {
        return text(path).lines().filter(line -> !line.isBlank()).toList();
    }
}
