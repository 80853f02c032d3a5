/** The Gatehouse node: the process, its servers, and the wiring of the request pipeline. */
@NullMarked
package io.gatehouse.node;

import org.jspecify.annotations.NullMarked;
