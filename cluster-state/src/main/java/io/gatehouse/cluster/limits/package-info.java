/** Cluster-wide rate limits and concurrency slots, kept in Hazelcast maps by entry processors. */
@NullMarked
package io.gatehouse.cluster.limits;

import org.jspecify.annotations.NullMarked;
