/**
 * State that must be global across the cluster (rate-limit and budget counters, the response cache,
 * provider health, the config bus), exposed through small interfaces and immutable snapshots.
 */
@NullMarked
package io.gatehouse.cluster;

import org.jspecify.annotations.NullMarked;
