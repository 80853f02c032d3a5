package io.gatehouse.providers.gemini;

import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI tool call ids for Gemini function calls. Gemini identifies calls by name only, so the
 * gateway invents the id; and thinking models attach a {@code thoughtSignature} to a call that
 * must come back with it in the next request (Gemini 3 rejects the history otherwise). OpenAI's
 * shape has no place for it and the gateway keeps no conversation state, so the signature travels
 * inside the id, re-encoded as unpadded base64url so the id stays within {@code [A-Za-z0-9_-]}:
 * {@code call_<random>_ts_<signature>}.
 */
final class ToolCallIds {
    private static final String SIGNATURE_MARK = "_ts_";

    private ToolCallIds() {}

    /** A tool call id carrying {@code thoughtSignature} (standard base64), if there is one. */
    static String create(Ids ids, @Nullable String thoughtSignature) {
        String id = "call_" + ids.next();
        if (thoughtSignature == null || thoughtSignature.isEmpty()) {
            return id;
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(thoughtSignature);
        } catch (IllegalArgumentException e) {
            return id; // not base64, so not something Gemini would accept back either
        }
        return id + SIGNATURE_MARK + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** The thought signature (standard base64) carried by {@code id}, or null. */
    static @Nullable String thoughtSignature(String id) {
        int mark = id.indexOf(SIGNATURE_MARK);
        if (!id.startsWith("call_") || mark < 0) {
            return null;
        }
        try {
            byte[] signature = Base64.getUrlDecoder().decode(id.substring(mark + SIGNATURE_MARK.length()));
            return signature.length == 0 ? null : Base64.getEncoder().encodeToString(signature);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
