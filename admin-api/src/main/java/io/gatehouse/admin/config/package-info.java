/** The configuration model, read from YAML and validated as a whole. */
@NullMarked
package io.gatehouse.admin.config;

import org.jspecify.annotations.NullMarked;
