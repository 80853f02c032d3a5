/**
 * The config bus: announcements of committed configuration versions to every member, and the version
 * each member reports it runs, so the admin API can show and wait for a rollout.
 */
@NullMarked
package io.gatehouse.cluster.config;

import org.jspecify.annotations.NullMarked;
