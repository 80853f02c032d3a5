/** The admin REST API (Undertow handlers) and the service that validates, stores and publishes changes. */
@NullMarked
package io.gatehouse.admin.api;

import org.jspecify.annotations.NullMarked;
