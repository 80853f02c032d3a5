package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    private static final Instant NOON_UTC = Instant.parse("2026-11-23T12:00:00Z");

    private static final Principal ENGINEER = new Principal(
            "alice",
            "acme",
            Set.of("eng", "staff"),
            Map.of("sub", "alice", "realm_access", Map.of("roles", List.of("eng"))),
            Set.of());
    private static final Principal SALES =
            new Principal("bob", "acme", Set.of("sales"), Map.of("sub", "bob"), Set.of());

    private static PolicySpec allow(String name, String when) {
        return new PolicySpec(name, when, false, null, List.of(), Map.of(), null, null, null, null);
    }

    private static RequestFacts chat(String model) {
        return new RequestFacts(model, "chat", false, 256, () -> 1000, Map.of("team", "search"), NOON_UTC);
    }

    @Test
    void theFirstMatchingPolicyDecides() {
        PolicyEngine engine = PolicyEngine.compile(List.of(
                allow("eng", "'eng' in principal.groups"),
                new PolicySpec(
                        "everyone-else",
                        "true",
                        true,
                        "Only engineers may use the gateway.",
                        List.of(),
                        Map.of(),
                        null,
                        null,
                        null,
                        null)));

        assertThat(engine.decide(ENGINEER, chat("smart")).policy()).isEqualTo("eng");
        Decision refused = engine.decide(SALES, chat("smart"));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.policy()).isEqualTo("everyone-else");
        assertThat(refused.message()).isEqualTo("Only engineers may use the gateway.");
    }

    @Test
    void noMatchingPolicyRefuses() {
        PolicyEngine engine = PolicyEngine.compile(List.of(allow("eng", "'eng' in principal.groups")));

        Decision decision = engine.decide(SALES, chat("smart"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.policy()).isEqualTo(PolicyEngine.NO_MATCH);
    }

    @Test
    void policiesReadNestedClaimsRequestFactsAndTime() {
        PolicyEngine engine = PolicyEngine.compile(List.of(allow(
                "working-hours",
                "'eng' in claims.realm_access.roles && request.model == 'smart' && request.max_tokens <= 1024"
                        + " && request.metadata.team == 'search' && request.time.getHours('UTC') >= 9"
                        + " && request.time.getHours('UTC') < 18 && !request.stream && request.endpoint == 'chat'")));

        assertThat(engine.decide(ENGINEER, chat("smart")).allowed()).isTrue();
        assertThat(engine.decide(ENGINEER, chat("fast")).allowed()).isFalse();
    }

    @Test
    void promptTokensAreCountedOnlyWhenAPolicyReadsThem() {
        AtomicInteger counted = new AtomicInteger();
        RequestFacts facts = new RequestFacts(
                "smart",
                "chat",
                false,
                null,
                () -> {
                    counted.incrementAndGet();
                    return 5000;
                },
                Map.of(),
                NOON_UTC);

        PolicyEngine.compile(List.of(allow("any", "request.model == 'smart'"))).decide(ENGINEER, facts);
        assertThat(counted).hasValue(0);

        Decision decision = PolicyEngine.compile(List.of(allow("small-prompts", "request.prompt_tokens < 4000")))
                .decide(ENGINEER, facts);
        assertThat(counted).hasValue(1);
        assertThat(decision.allowed()).isFalse();
    }

    @Test
    void allowedModelsRoutesLimitsCacheCapsAndBudgetsComeFromTheMatch() {
        PolicyEngine engine = PolicyEngine.compile(List.of(new PolicySpec(
                "eng-premium",
                "'eng' in principal.groups",
                false,
                null,
                List.of("smart", "fast"),
                Map.of("smart", "eng-smart"),
                new PolicySpec.LimitSpec(600L, 200_000L, 20L, "principal.tenant + '/' + claims.sub"),
                new Decision.Cache("subject", "semantic"),
                4096,
                "'team-' + principal.tenant")));

        Decision smart = engine.decide(ENGINEER, chat("smart"));
        assertThat(smart.allowed()).isTrue();
        assertThat(smart.model()).isEqualTo("eng-smart");
        assertThat(smart.limits()).isEqualTo(new Decision.Limits(600L, 200_000L, 20L, "acme/alice"));
        assertThat(smart.cache()).isEqualTo(new Decision.Cache("subject", "semantic"));
        assertThat(smart.maxTokens()).isEqualTo(4096);
        assertThat(smart.budgetKey()).isEqualTo("team-acme");
        assertThat(engine.decide(ENGINEER, chat("fast")).model()).isEqualTo("fast");

        Decision other = engine.decide(ENGINEER, chat("gpt-5"));
        assertThat(other.allowed()).isFalse();
        assertThat(other.message()).contains("gpt-5").contains("smart, fast");
    }

    @Test
    void anApiKeyRestrictedToModelsCannotUseOthers() {
        Principal key = new Principal("ci", "acme", Set.of(), Map.of(), Set.of("demo"));
        PolicyEngine engine = PolicyEngine.allowAll();

        assertThat(engine.decide(key, chat("demo")).allowed()).isTrue();
        assertThat(engine.decide(key, chat("smart")).allowed()).isFalse();
        assertThat(engine.decide(key, chat("smart")).message()).contains("API key");
    }

    @Test
    void aPolicyThatFailsAtRunTimeDoesNotMatchAndTheExplanationSaysWhy() {
        PolicyEngine engine = PolicyEngine.compile(
                List.of(allow("needs-department", "claims.department == 'research'"), allow("fallback", "true")));

        Explanation explanation = engine.explain(SALES, chat("smart"));

        assertThat(explanation.decision().policy()).isEqualTo("fallback");
        assertThat(explanation.steps()).hasSize(2);
        assertThat(explanation.steps().get(0).matched()).isFalse();
        assertThat(explanation.steps().get(0).error()).contains("department");
        assertThat(explanation.steps().get(1).matched()).isTrue();
    }

    @Test
    void aPolicyThatDoesNotCompileIsRejectedWithTheCelErrorAndPosition() {
        assertThatThrownBy(() -> PolicyEngine.compile(
                        List.of(allow("ok", "true"), allow("broken", "principal.groups.exists(g, g == )"))))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("policies[1] (broken).when: ")
                .hasMessageContaining("1:");
    }

    @Test
    void aConditionThatIsNotBooleanIsRejected() {
        assertThatThrownBy(() -> PolicyEngine.compile(List.of(allow("not-bool", "'yes'"))))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("policies[0] (not-bool).when");
    }

    @Test
    void unknownVariablesAreRejectedAtCompileTime() {
        assertThatThrownBy(() -> PolicyEngine.compile(List.of(allow("typo", "princpal.tenant == 'acme'"))))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("princpal");
    }

    @Test
    void modelsListShowsOnlyWhatTheCallerMayUse() {
        PolicyEngine engine = PolicyEngine.compile(List.of(
                new PolicySpec(
                        "eng",
                        "'eng' in principal.groups",
                        false,
                        null,
                        List.of("smart", "fast"),
                        Map.of(),
                        null,
                        null,
                        null,
                        null),
                new PolicySpec("others", "true", false, null, List.of("fast"), Map.of(), null, null, null, null)));

        assertThat(engine.visibleModels(ENGINEER, List.of("smart", "fast", "huge"), Map.of(), NOON_UTC))
                .containsExactly("smart", "fast");
        assertThat(engine.visibleModels(SALES, List.of("smart", "fast", "huge"), Map.of(), NOON_UTC))
                .containsExactly("fast");
    }

    @Test
    void standardMacrosAreAvailable() {
        PolicyEngine engine = PolicyEngine.compile(List.of(allow(
                "macros",
                "has(claims.realm_access) && principal.groups.exists(g, g.startsWith('st'))"
                        + " && !has(request.metadata.missing) && principal.groups.all(g, size(g) > 1)")));

        assertThat(engine.decide(ENGINEER, chat("smart")).allowed()).isTrue();
        assertThat(engine.decide(SALES, chat("smart")).allowed()).isFalse();
    }
}
