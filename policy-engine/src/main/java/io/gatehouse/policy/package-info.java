/**
 * Identity and policy: who is calling ({@link io.gatehouse.policy.Principal}) and what they may do.
 * Pure Java: no HTTP server and no cluster types.
 */
@NullMarked
package io.gatehouse.policy;

import org.jspecify.annotations.NullMarked;
