package io.gatehouse.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Answers of Hazelcast's asynchronous calls as plain futures completed on the thread that completed
 * the call: the partition thread for a key this member owns, else the response thread. Hazelcast's
 * own futures run every stage chained without an executor on Hazelcast's default executor, one
 * thread wake-up more per call (docs/decisions/0005-limit-operations-on-the-answering-thread.md).
 * Whatever a caller chains to these runs on the completing thread too, so callers must chain only
 * non-blocking work, such as handing the answer to their own thread; a cluster call made there must
 * be an asynchronous invocation ({@code getAsync}, {@code setAsync}, the limits' own operations),
 * as Hazelcast refuses the others on those threads.
 */
public final class Completions {
    /** Runs a stage on the thread that completed the stage before it. */
    public static final Executor SAME_THREAD = Runnable::run;

    private Completions() {}

    /** {@code call}'s answer converted by {@code convert}, or its failure, on the completing thread. */
    public static <T, R> CompletableFuture<R> onCompletingThread(
            CompletionStage<T> call, Function<? super T, ? extends R> convert) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        call.whenCompleteAsync(
                (value, failure) -> {
                    if (failure != null) {
                        answer.completeExceptionally(failure);
                        return;
                    }
                    try {
                        answer.complete(convert.apply(value));
                    } catch (RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                },
                SAME_THREAD);
        return answer;
    }
}
