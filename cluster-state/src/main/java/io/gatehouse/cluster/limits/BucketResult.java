package io.gatehouse.cluster.limits;

/**
 * The answer of a token bucket to one take. Immutable.
 *
 * @param granted whether the amount was taken
 * @param limit the bucket's capacity in force (its share during a split)
 * @param remaining what is left after the take (or now, if refused); never negative
 * @param resetMillis how long until the bucket is full again
 * @param retryAfterMillis for a refusal, how long until the amount will be available; else 0
 */
public record BucketResult(boolean granted, long limit, long remaining, long resetMillis, long retryAfterMillis) {}
