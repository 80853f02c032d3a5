package io.gatehouse.bench.micro;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.bench.fixtures.ChatBodies;
import io.gatehouse.providers.CanonicalJson;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.Json;
import io.gatehouse.providers.openai.OpenAiTranslator;
import io.gatehouse.providers.tokens.TokenCounter;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parse step and the upstream body of the request path: {@link ChatRequest#parse} of a chat
 * request (system prompt plus conversation turns) of about 1 KB and 16 KB, beside Jackson's tree of
 * the same bytes; {@link OpenAiTranslator#requestBody} of the parsed request (the client's bytes with
 * the deployment's model spliced in), beside the same for a request without the sent bytes (copy,
 * set the model, serialise: what a changed body takes); the response cache key's SHA-256 of the
 * request in its canonical form, beside the same over the request written as JSON;
 * {@link TokenCounter#estimatePrompt} with the o200k tokenizer, which the admit step ran for every
 * request whose policy declares a tokens-per-minute limit (exact for texts up to 8,192 characters,
 * so for both bodies here) and policies still run when they read the prompt's tokens, and {@link
 * TokenCounter#roughPrompt} (UTF-8 bytes / 4), which the admit step runs now.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class RequestParseBench {
    @Param({"1024", "16384"})
    public int bodyBytes;

    private final OpenAiTranslator translator = new OpenAiTranslator(true);
    private TokenCounter tokens;
    private byte[] body;
    private ChatRequest request;
    private ChatRequest parsedOnly;
    private MessageDigest sha256;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        sha256 = MessageDigest.getInstance("SHA-256");
        body = ChatBodies.chat("fast", bodyBytes, false);
        request = ChatRequest.parse(body);
        parsedOnly = new ChatRequest(
                request.body(), request.model(), request.stream(), request.includeUsage(), request.maxTokens(), null);
        tokens = TokenCounter.o200k();
    }

    @Benchmark
    public ChatRequest parse() {
        return ChatRequest.parse(body);
    }

    /** The JSON alone: Jackson's tree of the body, which the parse builds and validates. */
    @Benchmark
    public JsonNode parseTree() throws IOException {
        return Json.MAPPER.readTree(body);
    }

    /** The client's bytes with the model replaced (a request parsed from them). */
    @Benchmark
    public byte[] requestBody() {
        return translator.requestBody(request, "gpt-4o-mini-2024-07-18");
    }

    /** The body written anew from the parsed tree (a request whose body the gateway changed). */
    @Benchmark
    public byte[] requestBodyWrittenAnew() {
        return translator.requestBody(parsedOnly, "gpt-4o-mini-2024-07-18");
    }

    /** The response cache key's digest of the request: its canonical form ({@link CanonicalJson}). */
    @Benchmark
    public byte[] keyDigest() throws CloneNotSupportedException {
        MessageDigest digest = (MessageDigest) sha256.clone();
        CanonicalJson.update(digest, request.body());
        return digest.digest();
    }

    /** The same digest over the request written as JSON, as keys were made before {@code v2}. */
    @Benchmark
    public byte[] keyDigestOfWrittenJson() throws CloneNotSupportedException, IOException {
        MessageDigest digest = (MessageDigest) sha256.clone();
        digest.update(Json.MAPPER.writeValueAsBytes(request.body()));
        return digest.digest();
    }

    @Benchmark
    public int estimatePromptTokens() {
        return tokens.estimatePrompt(request);
    }

    @Benchmark
    public int roughPromptTokens() {
        return TokenCounter.roughPrompt(request);
    }
}
