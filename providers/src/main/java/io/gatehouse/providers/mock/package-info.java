/** The built-in mock provider: deterministic answers with real token counts, no network. */
@NullMarked
package io.gatehouse.providers.mock;

import org.jspecify.annotations.NullMarked;
