package io.gatehouse.node.routing;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A model clients can name and the deployments that serve it, chosen by weight. Immutable and
 * thread-safe.
 */
public final class Route {
    private final String model;
    private final List<Target> targets;
    private final int[] cumulativeWeights;

    public Route(String model, List<Target> targets) {
        this.model = requireNonNull(model, "model");
        this.targets = List.copyOf(targets);
        this.cumulativeWeights = new int[this.targets.size()];
        int sum = 0;
        for (int i = 0; i < this.targets.size(); i++) {
            sum += this.targets.get(i).weight();
            cumulativeWeights[i] = sum;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("model " + model + ": total weight " + sum + " (expected: > 0)");
        }
    }

    public String model() {
        return model;
    }

    public List<Target> targets() {
        return targets;
    }

    /** Picks a deployment at random, in proportion to the weights. */
    public Target pick() {
        if (targets.size() == 1) {
            return targets.get(0);
        }
        int ticket = ThreadLocalRandom.current().nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (ticket < cumulativeWeights[i]) {
                return targets.get(i);
            }
        }
        throw new AssertionError("ticket beyond the total weight");
    }
}
