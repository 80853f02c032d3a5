/** Token counting with real tokenizers. */
@NullMarked
package io.gatehouse.providers.tokens;

import org.jspecify.annotations.NullMarked;
