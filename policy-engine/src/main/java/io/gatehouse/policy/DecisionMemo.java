package io.gatehouse.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The decisions an engine has made, so that a caller's next request that its policies cannot tell
 * apart from an earlier one is decided without evaluating them again. CEL is deterministic, so a
 * decision depends only on the caller and on the request's facts that the expressions read. Those
 * are found once, in the compiled expressions: the memo keys a decision by the caller and those
 * facts. An engine whose expressions read the request's {@code time} or {@code prompt_tokens}, which
 * differ for nearly every request, or read {@code request} in a way not followed here (as a whole,
 * or by index), memoizes nothing. Bounded; thread-safe.
 */
final class DecisionMemo {
    /** Entries kept at most; when full, the memo starts over (a burst of new callers is decided afresh). */
    static final int MAX_DECISIONS = 10_000;

    /** What an engine whose decisions cannot be memoized uses. */
    static final DecisionMemo NONE = new DecisionMemo(false, Set.of());

    private static final String ANY_FIELD = "*";
    private static final Set<String> CHANGES_PER_REQUEST = Set.of("time", "prompt_tokens", ANY_FIELD);

    private final boolean enabled;
    private final boolean readsEndpoint;
    private final boolean readsStream;
    private final boolean readsMaxTokens;
    private final boolean readsMetadata;
    private final ConcurrentHashMap<Key, Decision> decisions = new ConcurrentHashMap<>();

    private DecisionMemo(boolean enabled, Set<String> fieldsRead) {
        this.enabled = enabled;
        this.readsEndpoint = fieldsRead.contains("endpoint");
        this.readsStream = fieldsRead.contains("stream");
        this.readsMaxTokens = fieldsRead.contains("max_tokens");
        this.readsMetadata = fieldsRead.contains("metadata");
    }

    /** A memo for an engine of these compiled expressions (conditions and keys alike). */
    static DecisionMemo forExpressions(List<CelAbstractSyntaxTree> expressions) {
        Set<String> fieldsRead = new HashSet<>();
        for (CelAbstractSyntaxTree expression : expressions) {
            fieldsRead.addAll(requestFieldsRead(expression));
        }
        for (String field : CHANGES_PER_REQUEST) {
            if (fieldsRead.contains(field)) {
                return NONE;
            }
        }
        return new DecisionMemo(true, fieldsRead);
    }

    /**
     * The fields of {@code request} that {@code expression} reads as {@code request.field} (with
     * {@code has()} too), or {@value #ANY_FIELD} among them if it reads {@code request} otherwise.
     */
    static Set<String> requestFieldsRead(CelAbstractSyntaxTree expression) {
        Set<String> fields = new HashSet<>();
        CelNavigableAst.fromAst(expression).getRoot().allNodes().forEach(node -> {
            if (node.getKind() == CelExpr.ExprKind.Kind.IDENT
                    && node.expr().ident().name().equals("request")) {
                fields.add(selectedField(node));
            }
        });
        return fields;
    }

    private static String selectedField(CelNavigableExpr requestIdent) {
        Optional<CelNavigableExpr> parent = requestIdent.parent();
        if (parent.isPresent() && parent.get().getKind() == CelExpr.ExprKind.Kind.SELECT) {
            CelExpr.CelSelect select = parent.get().expr().select();
            if (select.operand().id() == requestIdent.id()) {
                return select.field();
            }
        }
        return ANY_FIELD;
    }

    /** Whether decisions are memoized at all. */
    boolean enabled() {
        return enabled;
    }

    /**
     * The decision made before for a request its policies cannot tell from this one; otherwise the
     * one {@code evaluate} gives, which is remembered.
     */
    Decision decide(Principal principal, RequestFacts request, Supplier<Decision> evaluate) {
        if (!enabled) {
            return evaluate.get();
        }
        Key key = key(principal, request);
        Decision known = decisions.get(key);
        if (known != null) {
            return known;
        }
        Decision decision = evaluate.get();
        if (decisions.size() >= MAX_DECISIONS) {
            decisions.clear();
        }
        decisions.put(key, decision);
        return decision;
    }

    /** How many decisions are remembered; for tests. */
    int size() {
        return decisions.size();
    }

    private Key key(Principal principal, RequestFacts request) {
        return new Key(
                principal,
                request.model(),
                readsEndpoint ? request.endpoint() : null,
                readsStream ? request.stream() : null,
                readsMaxTokens ? request.maxTokens() : null,
                readsMetadata ? request.metadata() : null);
    }

    /**
     * A request as the policies see it. The model is always part of it: besides the expressions, it
     * decides the allowed models and the route.
     */
    private record Key(
            Principal principal,
            String model,
            @Nullable String endpoint,
            @Nullable Boolean stream,
            @Nullable Integer maxTokens,
            @Nullable Map<String, String> metadata) {}
}
