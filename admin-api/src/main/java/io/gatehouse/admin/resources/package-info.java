/** The configuration resources as the admin API and the database see them: types, secrets and the document they make. */
@NullMarked
package io.gatehouse.admin.resources;

import org.jspecify.annotations.NullMarked;
