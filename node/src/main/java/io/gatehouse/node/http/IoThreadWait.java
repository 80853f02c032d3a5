package io.gatehouse.node.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * Waits, without blocking, for an answer that another thread delivers (a cluster call), then goes on
 * with the exchange on its IO thread: with the answer, or with a {@link TimeoutException} once the
 * time is up, whichever comes first. The timer is the IO thread's own, armed on it and removed by
 * the answer, so waiting wakes no other thread (docs/decisions/0005-limit-operations-on-the-answering-thread.md).
 */
final class IoThreadWait {
    private IoThreadWait() {}

    /**
     * Dispatches {@code exchange} and runs {@code then} on its IO thread with {@code answer}'s value
     * or failure, or with a timeout after {@code timeoutMillis}. Call from the exchange's IO thread.
     */
    static <T> void await(
            HttpServerExchange exchange,
            CompletableFuture<T> answer,
            long timeoutMillis,
            BiConsumer<@Nullable T, @Nullable Throwable> then) {
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
            XnioIoThread io = exchange.getIoThread();
            AtomicBoolean decided = new AtomicBoolean();
            XnioExecutor.Key timer = io.executeAfter(
                    () -> {
                        if (decided.compareAndSet(false, true)) {
                            then.accept(null, new TimeoutException("no answer in " + timeoutMillis + " ms"));
                        }
                    },
                    timeoutMillis,
                    TimeUnit.MILLISECONDS);
            answer.whenComplete((value, failure) -> {
                if (decided.compareAndSet(false, true)) {
                    timer.remove();
                    io.execute(() -> then.accept(value, failure));
                }
            });
        });
    }
}
