/**
 * The durable configuration store: a pooled database ({@link io.gatehouse.admin.store.Database}), the
 * versioned, audited resources in it ({@link io.gatehouse.admin.store.ConfigRepository}) and the
 * sealing of secret values under the master key ({@link io.gatehouse.admin.store.SecretBox}).
 */
@NullMarked
package io.gatehouse.admin.store;

import org.jspecify.annotations.NullMarked;
