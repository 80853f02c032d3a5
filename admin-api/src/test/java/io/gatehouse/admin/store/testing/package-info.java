/**
 * Test support for code that uses the configuration store: databases to run against (in-memory H2,
 * PostgreSQL when one is available, an H2 TCP server) and a TCP proxy that can cut the connection.
 * Published in admin-api's test-jar.
 */
@NullMarked
package io.gatehouse.admin.store.testing;

import org.jspecify.annotations.NullMarked;
