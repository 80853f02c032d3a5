/** Models, their deployments, and the choice of a deployment for a request. */
@NullMarked
package io.gatehouse.node.routing;

import org.jspecify.annotations.NullMarked;
