package io.gatehouse.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A decision and how it was reached, for the policy dry-run. Immutable.
 *
 * @param decision the decision
 * @param steps each policy tried, in order, up to the one that matched
 */
public record Explanation(Decision decision, List<Step> steps) {

    public Explanation {
        requireNonNull(decision, "decision");
        steps = List.copyOf(steps);
    }

    /**
     * One policy tried. Immutable.
     *
     * @param policy its name
     * @param matched whether its {@code when} was true
     * @param error the evaluation error that made it not match, if any
     */
    public record Step(
            String policy, boolean matched, @Nullable String error) {}
}
