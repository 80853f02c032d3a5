/** Decoding of server-sent event streams. */
@NullMarked
package io.gatehouse.providers.sse;

import org.jspecify.annotations.NullMarked;
