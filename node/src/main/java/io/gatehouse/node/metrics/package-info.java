/** The node's Prometheus metrics. */
@NullMarked
package io.gatehouse.node.metrics;

import org.jspecify.annotations.NullMarked;
