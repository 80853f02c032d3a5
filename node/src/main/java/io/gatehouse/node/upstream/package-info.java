/** Upstream calls made on the server's own IO threads. */
@NullMarked
package io.gatehouse.node.upstream;

import org.jspecify.annotations.NullMarked;
