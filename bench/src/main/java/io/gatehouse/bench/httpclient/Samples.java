package io.gatehouse.bench.httpclient;

import java.util.Arrays;

/** A growable list of nanosecond samples; not thread-safe. */
public final class Samples {
    private long[] values = new long[1024];
    private int size;

    public void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    public void addAll(Samples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    public int size() {
        return size;
    }

    /** Nearest-rank percentiles of the samples so far. */
    public Percentiles percentiles() {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return new Percentiles(size, at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999), at(sorted, 1.0));
    }

    /** The nearest-rank value at {@code quantile} (0..1] of the samples so far, or -1 if there are none. */
    public long quantile(double quantile) {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return at(sorted, quantile);
    }

    /** The sample at {@code index}, in the order added. */
    public long get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index: " + index + " (expected: 0.." + (size - 1) + ")");
        }
        return values[index];
    }

    private static long at(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    /** Percentiles in nanoseconds. */
    public record Percentiles(int count, long p50, long p99, long p999, long max) {}
}
