package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionMemoTest {
    private static final Instant MORNING = Instant.parse("2026-11-23T09:00:00Z");
    private static final Instant EVENING = Instant.parse("2026-11-23T19:00:00Z");

    private static final Principal ALICE = principal("alice", "eng");
    private static final Principal BOB = principal("bob", "sales");

    private static Principal principal(String subject, String group) {
        return new Principal(
                subject, "acme", Set.of(group), Map.of("sub", subject, "groups", List.of(group)), Set.of());
    }

    private static PolicySpec limited(String name, String when, String limitKey) {
        return new PolicySpec(
                name,
                when,
                false,
                null,
                List.of(),
                Map.of(),
                new PolicySpec.LimitSpec(60L, null, null, limitKey),
                null,
                null,
                null);
    }

    private static RequestFacts request(String model, Integer maxTokens, String team, Instant time) {
        return new RequestFacts(model, "chat", false, maxTokens, () -> 100, Map.of("team", team), time);
    }

    @Test
    void aRequestThePoliciesCannotTellFromAnEarlierOneGetsTheEarlierDecision() {
        PolicyEngine engine = PolicyEngine.compile(List.of(limited("eng", "'eng' in claims.groups", "claims.sub")));

        Decision first = engine.decide(ALICE, request("smart", 256, "search", MORNING));
        // Other max_tokens, metadata and time: no policy reads them.
        Decision second = engine.decide(ALICE, request("smart", 1024, "ads", EVENING));

        assertThat(engine.remembersDecisions()).isTrue();
        assertThat(second).isSameAs(first);
        assertThat(second.limits().key()).isEqualTo("alice");
    }

    @Test
    void whatThePoliciesReadKeepsDecisionsApart() {
        PolicyEngine engine = PolicyEngine.compile(List.of(limited(
                "small-search-calls",
                "'eng' in claims.groups && request.max_tokens <= 512 && request.metadata.team == 'search'"
                        + " && request.model == 'smart'",
                "claims.sub")));

        assertThat(engine.decide(ALICE, request("smart", 256, "search", MORNING))
                        .allowed())
                .isTrue();
        assertThat(engine.decide(ALICE, request("smart", 1024, "search", MORNING))
                        .allowed())
                .isFalse();
        assertThat(engine.decide(ALICE, request("smart", 256, "ads", MORNING)).allowed())
                .isFalse();
        assertThat(engine.decide(ALICE, request("fast", 256, "search", MORNING)).allowed())
                .isFalse();
        assertThat(engine.decide(BOB, request("smart", 256, "search", MORNING)).allowed())
                .isFalse();
        assertThat(engine.decide(ALICE, request("smart", 256, "search", MORNING))
                        .allowed())
                .isTrue();
    }

    @Test
    void eachCallerGetsTheLimitKeyOfItsOwnClaims() {
        PolicyEngine engine = PolicyEngine.compile(List.of(limited("everyone", "true", "claims.sub")));

        assertThat(engine.decide(ALICE, request("smart", 256, "search", MORNING))
                        .limits()
                        .key())
                .isEqualTo("alice");
        assertThat(engine.decide(BOB, request("smart", 256, "search", MORNING))
                        .limits()
                        .key())
                .isEqualTo("bob");
    }

    @Test
    void policiesThatReadTheTimeAreEvaluatedForEveryRequest() {
        PolicyEngine engine = PolicyEngine.compile(
                List.of(limited("office-hours", "request.time.getHours('UTC') < 18", "claims.sub")));

        assertThat(engine.remembersDecisions()).isFalse();
        assertThat(engine.decide(ALICE, request("smart", 256, "search", MORNING))
                        .allowed())
                .isTrue();
        assertThat(engine.decide(ALICE, request("smart", 256, "search", EVENING))
                        .allowed())
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "request.prompt_tokens < 4000",
                "request['model'] == 'smart'",
                "request.size() > 0",
                "has(request.time)",
            })
    void policiesThatReadTheRequestInWaysNotFollowedMemoizeNothing(String condition) {
        assertThat(PolicyEngine.compile(List.of(limited("p", condition, "claims.sub")))
                        .remembersDecisions())
                .isFalse();
    }

    @Test
    void aKeyExpressionThatReadsTheTimeAlsoTurnsTheMemoOff() {
        assertThat(PolicyEngine.compile(List.of(limited("p", "true", "string(request.time)")))
                        .remembersDecisions())
                .isFalse();
    }

    @Test
    void theMemoIsBounded() {
        PolicyEngine engine = PolicyEngine.compile(List.of(limited("everyone", "true", "claims.sub")));
        DecisionMemo memo = DecisionMemo.forExpressions(List.of());

        for (int i = 0; i <= DecisionMemo.MAX_DECISIONS; i++) {
            Principal caller = principal("user-" + i, "eng");
            RequestFacts facts = request("smart", 256, "search", MORNING);
            memo.decide(caller, facts, () -> engine.decide(caller, facts));
        }

        assertThat(memo.size()).isBetween(1, DecisionMemo.MAX_DECISIONS);
    }
}
