/**
 * The Anthropic family: the Messages API as an upstream (canonical requests translated to it, its
 * answers, streams and errors translated back) and as a client dialect (Anthropic requests
 * translated into the canonical shape, and canonical answers back into Anthropic's).
 */
@NullMarked
package io.gatehouse.providers.anthropic;

import org.jspecify.annotations.NullMarked;
