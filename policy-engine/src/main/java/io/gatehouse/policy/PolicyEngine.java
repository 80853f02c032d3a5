package io.gatehouse.policy;

import static java.util.Objects.requireNonNull;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decides requests with an ordered list of policies: the first whose CEL {@code when} is true
 * decides; when none matches, the request is refused. Policies are compiled and type-checked once,
 * when the configuration is loaded; a policy that does not compile is rejected with the CEL error and
 * its position. Evaluating a decision allocates little and performs no I/O, and a caller's request
 * that the policies cannot tell from an earlier one gets the earlier decision ({@link DecisionMemo}).
 * Thread-safe; its only state is that memo.
 */
public final class PolicyEngine {
    /** The policy name of a refusal because no policy matched. */
    public static final String NO_MATCH = "no-matching-policy";

    /** The policy name of decisions by an engine with no policies configured (everything allowed). */
    public static final String OPEN = "open";

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableTimestampEpoch(true)
            .comprehensionMaxIterations(1_000)
            .maxParseRecursionDepth(64)
            .build();
    private static final Cel CONDITIONS =
            environment().setResultType(SimpleType.BOOL).build();
    private static final Cel VALUES = environment().build();

    private final List<CompiledPolicy> policies;
    private final boolean open;
    private final DecisionMemo memo;

    private PolicyEngine(List<CompiledPolicy> policies, boolean open, DecisionMemo memo) {
        this.policies = List.copyOf(policies);
        this.open = open;
        this.memo = memo;
    }

    private static dev.cel.bundle.CelBuilder environment() {
        MapType stringToDyn = MapType.create(SimpleType.STRING, SimpleType.DYN);
        return CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("claims", stringToDyn)
                .addVar("principal", stringToDyn)
                .addVar("request", stringToDyn);
    }

    /** An engine that allows every request: for configurations without policies. */
    public static PolicyEngine allowAll() {
        return new PolicyEngine(List.of(), true, DecisionMemo.NONE);
    }

    /**
     * Compiles {@code specs} in order.
     *
     * @throws PolicyException naming {@code policies[i].when} (or the other expression) and the CEL
     *     error with its line and column
     */
    public static PolicyEngine compile(List<PolicySpec> specs) {
        List<CompiledPolicy> compiled = new ArrayList<>();
        List<CelAbstractSyntaxTree> expressions = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            PolicySpec spec = specs.get(i);
            String path = "policies[" + i + "] (" + spec.name() + ")";
            CelRuntime.Program when = program(CONDITIONS, spec.when(), path + ".when", expressions);
            CelRuntime.Program limitKey = spec.limits() == null
                    ? null
                    : program(VALUES, spec.limits().key(), path + ".limits.key", expressions);
            CelRuntime.Program budgetKey = spec.budgetKey() == null
                    ? null
                    : program(VALUES, spec.budgetKey(), path + ".budget_key", expressions);
            compiled.add(new CompiledPolicy(spec, when, limitKey, budgetKey));
        }
        return new PolicyEngine(compiled, false, DecisionMemo.forExpressions(expressions));
    }

    /** Compiles {@code expression} into a program, and adds its checked syntax tree to {@code compiled}. */
    private static CelRuntime.Program program(
            Cel cel, String expression, String path, List<CelAbstractSyntaxTree> compiled) {
        CelValidationResult result = cel.compile(expression);
        if (result.hasError()) {
            throw new PolicyException(path + ": " + result.getErrorString().strip());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            CelRuntime.Program program = cel.createProgram(ast);
            compiled.add(ast);
            return program;
        } catch (CelValidationException | CelEvaluationException e) {
            throw new PolicyException(path + ": " + e.getMessage());
        }
    }

    /** Decides one request. */
    public Decision decide(Principal principal, RequestFacts request) {
        return memo.decide(principal, request, () -> explain(principal, request).decision());
    }

    /**
     * Whether this engine remembers its decisions ({@link DecisionMemo}): false without policies, and
     * when an expression reads what differs per request ({@code request.time},
     * {@code request.prompt_tokens}), so that every request is evaluated.
     */
    public boolean remembersDecisions() {
        return memo.enabled();
    }

    /**
     * Decides one request and says how: which policies were tried, which matched, and any policy
     * whose expression failed at run time (it counts as not matching).
     */
    public Explanation explain(Principal principal, RequestFacts request) {
        requireNonNull(principal, "principal");
        requireNonNull(request, "request");
        if (open) {
            Decision decision = allow(
                    OPEN, principal, request, request.model(), Set.of(), null, Decision.Cache.DEFAULT, null, null);
            return new Explanation(decision, List.of());
        }
        CelVariableResolver variables = variables(principal, request);
        List<Explanation.Step> steps = new ArrayList<>();
        for (CompiledPolicy policy : policies) {
            Object matched;
            try {
                matched = policy.when().eval(variables);
            } catch (CelEvaluationException e) {
                steps.add(new Explanation.Step(policy.spec().name(), false, e.getMessage()));
                continue;
            }
            if (!Boolean.TRUE.equals(matched)) {
                steps.add(new Explanation.Step(policy.spec().name(), false, null));
                continue;
            }
            steps.add(new Explanation.Step(policy.spec().name(), true, null));
            return new Explanation(decideBy(policy, principal, request, variables), steps);
        }
        Decision refusal = refuse(
                NO_MATCH,
                request.model(),
                "No policy allows this request; ask your platform team for access to model '" + request.model() + "'.");
        return new Explanation(refusal, steps);
    }

    /**
     * The models among {@code models} that {@code principal} may use, for {@code /v1/models}: each is
     * decided as a request to it with the listing's metadata.
     */
    public List<String> visibleModels(
            Principal principal, List<String> models, Map<String, String> metadata, java.time.Instant now) {
        List<String> visible = new ArrayList<>();
        for (String model : models) {
            RequestFacts facts = new RequestFacts(model, "models", false, null, () -> 0, metadata, now);
            if (decide(principal, facts).allowed()) {
                visible.add(model);
            }
        }
        return visible;
    }

    private Decision decideBy(
            CompiledPolicy policy, Principal principal, RequestFacts request, CelVariableResolver variables) {
        PolicySpec spec = policy.spec();
        if (spec.deny()) {
            String message = spec.message() != null ? spec.message() : "Refused by policy '" + spec.name() + "'.";
            return refuse(spec.name(), request.model(), message);
        }
        Set<String> allowed = new LinkedHashSet<>(spec.allowModels());
        if (!allowed.isEmpty() && !allowed.contains(request.model())) {
            return refuse(
                    spec.name(),
                    request.model(),
                    "Model '" + request.model() + "' is not allowed for you by policy '" + spec.name() + "'; allowed: "
                            + String.join(", ", allowed) + ".");
        }
        Decision.Limits limits = null;
        if (spec.limits() != null) {
            String key = evaluateKey(policy.limitKey(), variables, principal.subject());
            limits = new Decision.Limits(
                    spec.limits().rpm(), spec.limits().tpm(), spec.limits().concurrent(), key);
        }
        String budgetKey =
                policy.budgetKey() == null ? null : evaluateKey(policy.budgetKey(), variables, principal.tenant());
        String model = spec.routes().getOrDefault(request.model(), request.model());
        return allow(
                spec.name(),
                principal,
                request,
                model,
                allowed,
                limits,
                spec.cache() == null ? Decision.Cache.DEFAULT : spec.cache(),
                spec.maxTokens(),
                budgetKey);
    }

    private static Decision allow(
            String policy,
            Principal principal,
            RequestFacts request,
            String model,
            Set<String> allowedModels,
            Decision.@Nullable Limits limits,
            Decision.Cache cache,
            @Nullable Integer maxTokens,
            @Nullable String budgetKey) {
        if (!principal.keyModels().isEmpty() && !principal.keyModels().contains(request.model())) {
            return refuse(
                    policy,
                    request.model(),
                    "This API key may not use model '" + request.model() + "'; allowed: "
                            + String.join(", ", new java.util.TreeSet<>(principal.keyModels())) + ".");
        }
        return new Decision(true, policy, null, model, allowedModels, limits, cache, maxTokens, budgetKey);
    }

    private static Decision refuse(String policy, String model, String message) {
        return new Decision(false, policy, message, model, Set.of(), null, Decision.Cache.DEFAULT, null, null);
    }

    private static String evaluateKey(CelRuntime.Program program, CelVariableResolver variables, String fallback) {
        try {
            Object value = program.eval(variables);
            return value == null ? fallback : String.valueOf(value);
        } catch (CelEvaluationException e) {
            return fallback;
        }
    }

    /**
     * The variables of one request's expressions. A resolver rather than a map: CEL copies a map of
     * variables into its own for every evaluation, and a decision evaluates up to one expression per
     * policy.
     */
    private static CelVariableResolver variables(Principal principal, RequestFacts request) {
        Map<String, Object> principalValues = Map.of(
                "subject", principal.subject(),
                "tenant", principal.tenant(),
                "groups", List.copyOf(principal.groups()));
        Optional<Object> claims = Optional.of(principal.claims());
        Optional<Object> principalVariable = Optional.of(principalValues);
        Optional<Object> requestVariable = Optional.of(new RequestVariables(request));
        return name -> switch (name) {
            case "claims" -> claims;
            case "principal" -> principalVariable;
            case "request" -> requestVariable;
            default -> Optional.empty();
        };
    }

    private record CompiledPolicy(
            PolicySpec spec,
            CelRuntime.Program when,
            CelRuntime.@Nullable Program limitKey,
            CelRuntime.@Nullable Program budgetKey) {}
}
