package io.gatehouse.bench.latency;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The node's checks of requests and tokens per minute so far, from {@code
 * gatehouse_limits_rate_checks_total}: how many went to the key's owner (a borrow, or a key not
 * leased), and how many were granted at once from a local lease; null for a build that does not
 * count them.
 */
record LimitChecks(long byOwner, long byLease) {
    private static final String NOT_COUNTED = "not counted by this build";
    private static final Pattern ANSWERED =
            Pattern.compile("(?m)^gatehouse_limits_rate_checks_total\\{by=\"(owner|lease)\"[^}]*} (\\S+)$");

    static @Nullable LimitChecks of(String metrics) {
        Matcher line = ANSWERED.matcher(metrics);
        long owner = -1;
        long lease = -1;
        while (line.find()) {
            long value = (long) Double.parseDouble(line.group(2));
            if (line.group(1).equals("owner")) {
                owner = value;
            } else {
                lease = value;
            }
        }
        return owner < 0 || lease < 0 ? null : new LimitChecks(owner, lease);
    }

    /** The checks sent to the key's owner between two readings, or why there is no figure. */
    static String sentToOwnersSince(@Nullable LimitChecks before, @Nullable LimitChecks after) {
        return before == null || after == null ? NOT_COUNTED : String.valueOf(after.byOwner - before.byOwner);
    }

    /** Both figures between two readings, as a sentence. */
    static String since(@Nullable LimitChecks before, @Nullable LimitChecks after) {
        if (before == null || after == null) {
            return "Limit checks sent to the key's owner: " + NOT_COUNTED + ".";
        }
        return String.format(
                Locale.ROOT,
                "Limit checks sent to the key's owner: %,d; granted at once from a local lease: %,d.",
                after.byOwner - before.byOwner,
                after.byLease - before.byLease);
    }
}
