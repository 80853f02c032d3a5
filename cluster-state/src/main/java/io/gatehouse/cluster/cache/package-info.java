/**
 * The cluster-wide response cache: answers kept in a Hazelcast map with a time to live and one
 * backup, and the prompts of the semantic match kept per scope in another; both sealed with AES-GCM
 * before they enter Hazelcast, whose members talk in clear text.
 */
@NullMarked
package io.gatehouse.cluster.cache;

import org.jspecify.annotations.NullMarked;
