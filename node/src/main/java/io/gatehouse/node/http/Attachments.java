package io.gatehouse.node.http;

import io.gatehouse.node.routing.Route;
import io.gatehouse.node.routing.Target;
import io.gatehouse.policy.Decision;
import io.gatehouse.policy.Principal;
import io.gatehouse.providers.ApiError;
import io.gatehouse.providers.ChatRequest;
import io.gatehouse.providers.EmbeddingRequest;
import io.gatehouse.providers.Usage;
import io.undertow.util.AttachmentKey;

/**
 * The typed per-request state that handlers pass down the chain. Set and read on the exchange's IO
 * thread.
 */
public final class Attachments {
    /** The configuration the request runs on. */
    public static final AttachmentKey<ActiveConfig> CONFIG = AttachmentKey.create(ActiveConfig.class);

    /** When the request arrived ({@link System#nanoTime()}). */
    public static final AttachmentKey<Long> START_NANOS = AttachmentKey.create(Long.class);

    /** The request id echoed in {@code x-request-id}. */
    public static final AttachmentKey<String> REQUEST_ID = AttachmentKey.create(String.class);

    /** Which endpoint the request is for, as a metrics label ({@code chat}, {@code embeddings}...). */
    public static final AttachmentKey<String> ENDPOINT = AttachmentKey.create(String.class);

    /** The dialect the endpoint's clients speak; {@link ClientDialect#openAi()} when absent. */
    public static final AttachmentKey<ClientDialect> DIALECT = AttachmentKey.create(ClientDialect.class);

    /** The request body, read whole. */
    public static final AttachmentKey<byte[]> BODY = AttachmentKey.create(byte[].class);

    public static final AttachmentKey<Principal> PRINCIPAL = AttachmentKey.create(Principal.class);

    public static final AttachmentKey<ChatRequest> CHAT_REQUEST = AttachmentKey.create(ChatRequest.class);

    public static final AttachmentKey<EmbeddingRequest> EMBEDDING_REQUEST =
            AttachmentKey.create(EmbeddingRequest.class);

    /** What the policy engine decided. */
    public static final AttachmentKey<Decision> DECISION = AttachmentKey.create(Decision.class);

    /** The model the client named, once parsed. */
    public static final AttachmentKey<String> REQUESTED_MODEL = AttachmentKey.create(String.class);

    /** The configured route of the requested model. */
    public static final AttachmentKey<Route> ROUTE = AttachmentKey.create(Route.class);

    /** The deployment chosen to answer. */
    public static final AttachmentKey<Target> TARGET = AttachmentKey.create(Target.class);

    /** Where the answer goes in the response cache, for a request whose answer may be stored. */
    static final AttachmentKey<CacheStore> CACHE_STORE = AttachmentKey.create(CacheStore.class);

    /** Tokens the answer used. */
    public static final AttachmentKey<Usage> USAGE = AttachmentKey.create(Usage.class);

    /** When the first stream event was relayed ({@link System#nanoTime()}). */
    public static final AttachmentKey<Long> FIRST_EVENT_NANOS = AttachmentKey.create(Long.class);

    /** The error the client was sent, if any (including one sent as a stream event). */
    public static final AttachmentKey<ApiError> ERROR = AttachmentKey.create(ApiError.class);

    /** Whether the client went away before its response was complete. */
    public static final AttachmentKey<Boolean> CLIENT_GONE = AttachmentKey.create(Boolean.class);

    private Attachments() {}
}
