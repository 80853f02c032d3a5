/** Authentication: SSO JWTs verified against each trusted issuer's keys, and gateway API keys. */
@NullMarked
package io.gatehouse.policy.auth;

import org.jspecify.annotations.NullMarked;
