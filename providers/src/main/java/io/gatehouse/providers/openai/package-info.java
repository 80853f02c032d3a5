/** The OpenAI family: OpenAI itself, Azure OpenAI and every OpenAI-compatible server. */
@NullMarked
package io.gatehouse.providers.openai;

import org.jspecify.annotations.NullMarked;
