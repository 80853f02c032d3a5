package io.gatehouse.bench.micro;

import io.gatehouse.bench.fixtures.ChatBodies;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.StreamTranslator;
import io.gatehouse.providers.openai.OpenAiTranslator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-event cost of relaying an OpenAI-compatible stream: the stream translator (SSE decoding,
 * JSON read for usage and finish reason) fed one typical {@code chat.completion.chunk} event, whole
 * or split across two reads as TCP may deliver it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class StreamTranslateBench {
    /** A content delta as OpenAI-compatible servers send it, about 300 bytes with its framing. */
    private static final byte[] EVENT =
            ("data: {\"id\":\"chatcmpl-bench7Qx2c9KfL0aZp\",\"object\":\"chat.completion.chunk\","
                            + "\"created\":1763769600,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                            + "\"system_fingerprint\":\"fp_bench01\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                            + " gateway\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n")
                    .getBytes(StandardCharsets.UTF_8);

    private final List<byte[]> out = new ArrayList<>(4);
    private StreamTranslator translator;
    private ByteBuffer whole;
    private ByteBuffer head;
    private ByteBuffer tail;

    @Setup
    public void setUp() {
        ChatRequest request = ChatRequest.parse(ChatBodies.chat("fast", 1024, true));
        translator = new OpenAiTranslator(true).stream(request);
        whole = ByteBuffer.wrap(EVENT);
        head = ByteBuffer.wrap(EVENT, 0, EVENT.length / 2).slice();
        tail = ByteBuffer.wrap(EVENT, EVENT.length / 2, EVENT.length - EVENT.length / 2)
                .slice();
    }

    @Benchmark
    public List<byte[]> feedOneEvent() {
        out.clear();
        translator.feed(whole.rewind(), out);
        return check(out);
    }

    @Benchmark
    public List<byte[]> feedEventInTwoReads() {
        out.clear();
        translator.feed(head.rewind(), out);
        translator.feed(tail.rewind(), out);
        return check(out);
    }

    private static List<byte[]> check(List<byte[]> chunks) {
        if (chunks.size() != 1) {
            throw new IllegalStateException(chunks.size() + " chunks, expected 1");
        }
        return chunks;
    }
}
