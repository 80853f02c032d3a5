package io.gatehouse.bench.latency;

import io.gatehouse.bench.httpclient.Samples;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends chat requests to one target under load, with the harness's keep-alive client, in one of two
 * models. <b>Closed</b>: a fixed number of requests in flight, each followed at once by the next, for
 * a fixed time; it measures sustained throughput. <b>Open</b>: requests sent on a constant arrival
 * schedule whatever the answers do, each latency measured from its <i>intended</i> send time, so a
 * stall delays the calls behind it in the figures as it would for real clients (no coordinated
 * omission). Every run is bounded in time and stops after 1,000 failed calls. One instance per run;
 * results are read after {@code run} returns.
 */
final class LoadGenerator {
    private static final int FAILURE_CAP = 1000;

    private final BenchClient client;
    private final AddedLatency.Target target;
    private final List<String> authorizations;
    private final byte[] body;
    private final Samples latencies = new Samples();
    private final AtomicLong completedInTime = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger next = new AtomicInteger();
    private volatile String firstFailure;

    LoadGenerator(BenchClient client, AddedLatency.Target target, List<String> authorizations, byte[] body) {
        this.client = client;
        this.target = target;
        this.authorizations = authorizations;
        this.body = body;
    }

    /** What one run measured. */
    record Result(
            String mode,
            double seconds,
            long completed,
            long failed,
            Samples latencies,
            long maxSendLagNanos,
            String firstFailure) {
        double perSecond() {
            return completed / seconds;
        }
    }

    /**
     * Keeps {@code concurrency} requests in flight for {@code millis}; calls that complete after the
     * deadline are waited for (at most 65 s) but not counted.
     */
    Result closed(int concurrency, long millis) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        CountDownLatch done = new CountDownLatch(concurrency);
        // A failure that completes on the sending thread would recurse; its follower starts here.
        ExecutorService retry = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "load-retry");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int w = 0; w < concurrency; w++) {
                sendClosed(end, done, retry);
            }
            done.await(millis + 65_000, TimeUnit.MILLISECONDS);
        } finally {
            retry.shutdownNow();
        }
        return new Result("closed", millis / 1000.0, completedInTime.get(), failed.get(), latencies, 0, firstFailure);
    }

    private void sendClosed(long end, CountDownLatch done, ExecutorService retry) {
        long sent = System.nanoTime();
        if (sent >= end || failed.get() >= FAILURE_CAP) {
            done.countDown();
            return;
        }
        client.post(target.uri(), authorization(), target.headers(), body).whenComplete((reply, error) -> {
            long now = System.nanoTime();
            if (error == null && reply.status() == 200) {
                if (now <= end) {
                    completedInTime.incrementAndGet();
                    record(now - sent);
                }
                sendClosed(end, done, retry);
            } else {
                fail(error != null ? error.toString() : "status " + reply.status());
                retry.execute(() -> sendClosed(end, done, retry));
            }
        });
    }

    /**
     * Sends {@code perSecond} requests a second on a fixed schedule for {@code millis}, then waits (at
     * most 65 s) for the last answers.
     */
    Result open(double perSecond, long millis) throws InterruptedException {
        long period = (long) (1e9 / perSecond);
        long count = (long) (perSecond * millis / 1000.0);
        CountDownLatch done = new CountDownLatch((int) count);
        long start = System.nanoTime();
        long maxLag = 0;
        for (long i = 0; i < count && failed.get() < FAILURE_CAP; i++) {
            long intended = start + i * period;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            maxLag = Math.max(maxLag, System.nanoTime() - intended);
            client.post(target.uri(), authorization(), target.headers(), body).whenComplete((reply, error) -> {
                long now = System.nanoTime();
                if (error == null && reply.status() == 200) {
                    completedInTime.incrementAndGet();
                    record(now - intended);
                } else {
                    fail(error != null ? error.toString() : "status " + reply.status());
                }
                done.countDown();
            });
        }
        done.await(65, TimeUnit.SECONDS);
        return new Result(
                "open", millis / 1000.0, completedInTime.get(), failed.get(), latencies, maxLag, firstFailure);
    }

    private String authorization() {
        return authorizations.get(Math.floorMod(next.getAndIncrement(), authorizations.size()));
    }

    private void record(long nanos) {
        synchronized (latencies) {
            latencies.add(nanos);
        }
    }

    private void fail(String what) {
        if (failed.incrementAndGet() == 1) {
            firstFailure = what;
        }
    }
}
