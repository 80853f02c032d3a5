package io.gatehouse.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.CanonicalJson;
import io.gatehouse.providers.ChatRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The response cache's keys: digests of what makes two requests the same, so that a key carries no
 * prompt and no two scopes share one. Both start from the decision's cache scope (the caller's
 * tenant, or tenant and subject), the decided model and the decided output cap.
 */
final class CacheKeys {
    private static final MessageDigest SHA_256 = prototype();

    private CacheKeys() {}

    /** The key of a request's answer: the scope and the whole canonical request. */
    static String answer(Principal caller, Decision decision, ChatRequest request) {
        MessageDigest digest = scoped(caller, decision);
        CanonicalJson.update(digest, request.body());
        return "v2:" + HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The scope of a request's prompt in the semantic index: the scope and the canonical request
     * without the text of its last message, which is what the index compares.
     */
    static String prompts(Principal caller, Decision decision, JsonNode withoutPrompt) {
        MessageDigest digest = scoped(caller, decision);
        CanonicalJson.update(digest, withoutPrompt);
        return "p2:" + HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest scoped(Principal caller, Decision decision) {
        String scope = decision.cache().scope();
        MessageDigest digest = sha256();
        update(digest, scope);
        update(digest, caller.tenant());
        update(digest, scope.equals("subject") ? caller.subject() : "");
        update(digest, decision.model());
        update(digest, decision.maxTokens() == null ? "" : decision.maxTokens().toString());
        return digest;
    }

    /** Adds {@code value}, length first, so that no two sequences of values digest alike. */
    private static void update(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(0, bytes.length));
        digest.update(bytes);
    }

    /** A copy of a prepared digest: cheaper than looking the algorithm up among the providers. */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests of this JVM cannot be copied", e);
        }
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
