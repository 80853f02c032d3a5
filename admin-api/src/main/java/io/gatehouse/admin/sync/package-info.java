/** Keeping a node on the latest stored configuration: loading, applying, last-known-good snapshots. */
@NullMarked
package io.gatehouse.admin.sync;

import org.jspecify.annotations.NullMarked;
