/** How the node's logs are written. */
@NullMarked
package io.gatehouse.node.logging;

import org.jspecify.annotations.NullMarked;
