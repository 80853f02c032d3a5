/**
 * The request pipeline: one Undertow handler per concern, each holding {@code next}, assembled in
 * {@link io.gatehouse.node.DataPlane}. Per-request state travels in {@link
 * io.gatehouse.node.http.Attachments}. Handlers never block an IO thread.
 */
@NullMarked
package io.gatehouse.node.http;

import org.jspecify.annotations.NullMarked;
