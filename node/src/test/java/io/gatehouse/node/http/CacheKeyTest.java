package io.gatehouse.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What makes two requests share a response cache entry, and what keeps them apart. */
class CacheKeyTest {
    private static final Decision.Cache TENANT = new Decision.Cache("tenant", "exact");
    private static final Decision.Cache SUBJECT = new Decision.Cache("subject", "exact");
    private static final ChatRequest HELLO =
            chat("{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    @Test
    void callersOfOneTenantShareAKeyUnlessTheScopeIsTheSubject() {
        assertThat(key(caller("alice", "acme"), TENANT, HELLO)).isEqualTo(key(caller("bob", "acme"), TENANT, HELLO));
        assertThat(key(caller("alice", "acme"), SUBJECT, HELLO))
                .isNotEqualTo(key(caller("bob", "acme"), SUBJECT, HELLO))
                .isNotEqualTo(key(caller("alice", "acme"), TENANT, HELLO))
                .isEqualTo(key(caller("alice", "acme"), SUBJECT, HELLO));
    }

    @Test
    void tenantsModelsCapsAndParametersKeepRequestsApart() {
        String base = key(caller("alice", "acme"), TENANT, HELLO);

        assertThat(key(caller("alice", "globex"), TENANT, HELLO)).isNotEqualTo(base);
        assertThat(CacheKeys.answer(caller("alice", "acme"), decision(TENANT, "other-model", null), HELLO))
                .isNotEqualTo(base);
        assertThat(CacheKeys.answer(caller("alice", "acme"), decision(TENANT, "smart", 10), HELLO))
                .isNotEqualTo(base);
        assertThat(
                        key(
                                caller("alice", "acme"),
                                TENANT,
                                chat(
                                        "{\"model\":\"smart\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
                .isNotEqualTo(base);
        assertThat(key(
                        caller("alice", "acme"),
                        TENANT,
                        chat("{\"model\":\"smart\",\"messages\":[{\"role\":\"user\",\"content\":\"hi!\"}]}")))
                .isNotEqualTo(base);
    }

    @Test
    void valuesCannotRunIntoEachOther() {
        // Tenant "ab" with subject "c" and tenant "a" with subject "bc" are different callers.
        assertThat(key(caller("c", "ab"), SUBJECT, HELLO)).isNotEqualTo(key(caller("bc", "a"), SUBJECT, HELLO));
    }

    @Test
    void theKeyCarriesNothingOfThePrompt() {
        assertThat(key(caller("alice", "acme"), TENANT, HELLO)).matches("v2:[0-9a-f]{64}");
    }

    private static String key(Principal caller, Decision.Cache scope, ChatRequest request) {
        return CacheKeys.answer(caller, decision(scope, "smart", null), request);
    }

    private static Decision decision(Decision.Cache scope, String model, Integer maxTokens) {
        return new Decision(true, "p", null, model, Set.of(), null, scope, maxTokens, null);
    }

    private static Principal caller(String subject, String tenant) {
        return new Principal(subject, tenant, Set.of(), Map.of(), Set.of());
    }

    private static ChatRequest chat(String json) {
        return ChatRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
