/**
 * Embeddings of prompts, made in process, for the response cache's semantic match: no prompt leaves
 * the node to be embedded.
 */
@NullMarked
package io.gatehouse.node.semantic;

import org.jspecify.annotations.NullMarked;
