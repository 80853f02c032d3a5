package io.gatehouse.bench.httpclient;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits an event stream into lines as chunks arrive and records, for each stamped {@code data:}
 * line, the time from the server's write to the arrival of the chunk that completed it, and
 * optionally that arrival time itself. Not thread-safe: feed it from one thread at a time.
 */
public final class SseProbe implements Consumer<ByteBuffer> {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STAMP = LoopbackServer.STAMP_KEY.getBytes(StandardCharsets.US_ASCII);

    private final Samples delays;
    private final Samples arrivals;
    private final Samples stamps;
    private final byte[] line = new byte[1024];
    private int length;
    private int events;

    SseProbe(Samples delays) {
        this(delays, new Samples());
    }

    /**
     * @param delays receives, per stamped event, its arrival minus the server's stamp (ns)
     * @param arrivals receives, per stamped event, its arrival time ({@link System#nanoTime()})
     */
    public SseProbe(Samples delays, Samples arrivals) {
        this(delays, arrivals, new Samples());
    }

    /**
     * @param delays receives, per stamped event, its arrival minus the server's stamp (ns)
     * @param arrivals receives, per stamped event, its arrival time ({@link System#nanoTime()})
     * @param stamps receives, per stamped event, the server's stamp ({@link System#nanoTime()} at write)
     */
    public SseProbe(Samples delays, Samples arrivals, Samples stamps) {
        this.delays = delays;
        this.arrivals = arrivals;
        this.stamps = stamps;
    }

    @Override
    public void accept(ByteBuffer chunk) {
        long now = System.nanoTime();
        for (int i = chunk.position(); i < chunk.limit(); i++) {
            byte b = chunk.get(i);
            if (b == '\n') {
                endLine(now);
            } else if (length < line.length) {
                line[length++] = b;
            }
        }
    }

    /** The number of stamped events seen. */
    public int events() {
        return events;
    }

    private void endLine(long now) {
        if (startsWith(DATA, 0)) {
            int at = indexOf(STAMP);
            if (at >= 0) {
                long stamp = 0;
                boolean negative = line[at] == '-';
                for (int i = negative ? at + 1 : at; i < length && line[i] >= '0' && line[i] <= '9'; i++) {
                    stamp = stamp * 10 + (line[i] - '0');
                }
                long written = negative ? -stamp : stamp;
                delays.add(now - written);
                arrivals.add(now);
                stamps.add(written);
                events++;
            }
        }
        length = 0;
    }

    private boolean startsWith(byte[] prefix, int from) {
        if (from + prefix.length > length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The index just past {@code key} in the current line, or -1. */
    private int indexOf(byte[] key) {
        for (int i = 0; i + key.length <= length; i++) {
            if (startsWith(key, i)) {
                return i + key.length;
            }
        }
        return -1;
    }
}
