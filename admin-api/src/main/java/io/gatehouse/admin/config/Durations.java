package io.gatehouse.admin.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations in config: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601. */
final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    private Durations() {}

    static Duration parse(String text, String path) {
        String trimmed = text.trim();
        Matcher m = SIMPLE.matcher(trimmed);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(trimmed);
        } catch (DateTimeParseException e) {
            throw new ConfigException(path + ": \"" + text + "\" (expected: a duration such as 250ms, 5s, 2m or 1h)");
        }
    }

    static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        if (d.getSeconds() % 3600 == 0 && d.getSeconds() > 0) {
            return d.toHours() + "h";
        }
        if (d.getSeconds() % 60 == 0 && d.getSeconds() > 0) {
            return d.toMinutes() + "m";
        }
        return d.getSeconds() + "s";
    }
}
