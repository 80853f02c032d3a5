/** The one shared, pooled, non-blocking HTTP client that every HTTP provider sends through. */
@NullMarked
package io.gatehouse.providers.transport;

import org.jspecify.annotations.NullMarked;
