/**
 * The canonical LLM wire model (OpenAI's chat shape), the adapters that translate it for each
 * provider family, their credential steps and the one shared HTTP transport.
 *
 * <p>This module knows nothing of clusters, policies or HTTP servers.
 */
@NullMarked
package io.gatehouse.providers;

import org.jspecify.annotations.NullMarked;
