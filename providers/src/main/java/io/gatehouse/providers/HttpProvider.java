package io.gatehouse.providers;

import static java.util.Objects.requireNonNull;

import io.gatehouse.providers.transport.UpstreamClient;
import io.gatehouse.providers.transport.UpstreamFailure;
import io.gatehouse.providers.transport.UpstreamListener;
import io.gatehouse.providers.transport.UpstreamRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A provider reached over HTTP, composed of the three separate parts: a translator for its wire
 * format, a credential step, and the shared transport. Thread-safe.
 */
public final class HttpProvider implements ChatProvider, EmbeddingProvider {
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final String name;
    private final Endpoint endpoint;
    private final Credential credential;
    private final ChatTranslator chat;
    private final @Nullable EmbeddingTranslator embeddings;
    private final UpstreamClient client;
    private final Timeouts timeouts;

    public HttpProvider(
            String name,
            Endpoint endpoint,
            Credential credential,
            ChatTranslator chat,
            @Nullable EmbeddingTranslator embeddings,
            UpstreamClient client,
            Timeouts timeouts) {
        this.name = requireNonNull(name, "name");
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.credential = requireNonNull(credential, "credential");
        this.chat = requireNonNull(chat, "chat");
        this.embeddings = embeddings;
        this.client = requireNonNull(client, "client");
        this.timeouts = requireNonNull(timeouts, "timeouts");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Call chat(ChatRequest request, String upstreamModel, ResponseListener listener) {
        UpstreamRequest upstream;
        try {
            upstream = request(endpoint.chat(upstreamModel, false), chat.requestBody(request, upstreamModel));
        } catch (ApiException e) {
            listener.onError(e.error());
            return Call.DONE;
        }
        return client.send(upstream, new BufferingListener(listener, body -> chat.response(body, request)));
    }

    @Override
    public Call streamChat(ChatRequest request, String upstreamModel, StreamListener listener) {
        UpstreamRequest upstream;
        try {
            upstream = request(endpoint.chat(upstreamModel, true), chat.requestBody(request, upstreamModel));
        } catch (ApiException e) {
            listener.onError(e.error(), Usage.NONE);
            return Call.DONE;
        }
        StreamRelay relay = new StreamRelay(chat.stream(request), listener);
        Call call = client.send(upstream, relay);
        relay.call = call;
        return call;
    }

    @Override
    public Call embed(EmbeddingRequest request, String upstreamModel, ResponseListener listener) {
        EmbeddingTranslator translator = embeddings;
        if (translator == null) {
            listener.onError(ApiError.badRequest(
                    "Provider '" + name + "' does not serve embeddings; choose another model.", "model"));
            return Call.DONE;
        }
        UpstreamRequest upstream;
        try {
            upstream = request(endpoint.embeddings(upstreamModel), translator.requestBody(request, upstreamModel));
        } catch (ApiException e) {
            listener.onError(e.error());
            return Call.DONE;
        }
        return client.send(upstream, new BufferingListener(listener, body -> translator.response(body, request)));
    }

    private UpstreamRequest request(URI uri, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>(endpoint.headers());
        headers.put("Content-Type", "application/json");
        return credential.apply(new UpstreamRequest(uri, headers, body, timeouts.firstByte(), timeouts.idle()));
    }

    private static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    /** Collects a whole response body, then translates it or maps the upstream error. */
    private final class BufferingListener implements UpstreamListener {
        private final ResponseListener listener;
        private final Function<byte[], ChatTranslator.Translated> translate;
        private BodyBuffer body = new BodyBuffer(MAX_ERROR_BYTES);
        private int status;
        private Function<String, @Nullable String> headers = name -> null;

        BufferingListener(ResponseListener listener, Function<byte[], ChatTranslator.Translated> translate) {
            this.listener = listener;
            this.translate = translate;
        }

        @Override
        public void onHeaders(int status, Function<String, @Nullable String> headers) {
            this.status = status;
            this.headers = headers;
            body = new BodyBuffer(isSuccess(status) ? MAX_RESPONSE_BYTES : MAX_ERROR_BYTES);
            body.expect(headers.apply("Content-Length"));
        }

        @Override
        public void onContent(ByteBuffer content, Runnable demand) {
            body.append(content);
            demand.run();
        }

        @Override
        public void onComplete() {
            if (body.overflowed() && isSuccess(status)) {
                listener.onError(
                        new UpstreamFailure(UpstreamFailure.Kind.BODY_TOO_LARGE, "response body").toApiError(name));
                return;
            }
            if (!isSuccess(status)) {
                listener.onError(chat.error(status, headers, body.toByteArray(), name));
                return;
            }
            ChatTranslator.Translated translated;
            try {
                translated = translate.apply(body.toByteArray());
            } catch (ApiException e) {
                listener.onError(e.error());
                return;
            }
            listener.onResponse(translated.json(), translated.usage());
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            listener.onError(failure.toApiError(name));
        }
    }

    /** Feeds a streamed response through the stream translator to the listener, with demand. */
    private final class StreamRelay implements UpstreamListener {
        private final StreamTranslator translator;
        private final StreamListener listener;
        private final BodyBuffer errorBody = new BodyBuffer(MAX_ERROR_BYTES);
        private volatile @Nullable Call call;
        private int status;
        private Function<String, @Nullable String> headers = name -> null;
        private boolean ended;

        StreamRelay(StreamTranslator translator, StreamListener listener) {
            this.translator = translator;
            this.listener = listener;
        }

        @Override
        public void onHeaders(int status, Function<String, @Nullable String> headers) {
            this.status = status;
            this.headers = headers;
        }

        @Override
        public void onContent(ByteBuffer content, Runnable demand) {
            if (ended) {
                return;
            }
            if (!isSuccess(status)) {
                errorBody.append(content);
                demand.run();
                return;
            }
            List<byte[]> chunks = new ArrayList<>(4);
            try {
                translator.feed(content, chunks);
            } catch (ApiException e) {
                fail(e.error());
                return;
            } catch (RuntimeException e) {
                fail(ApiError.upstreamFailed("Provider '" + name + "' sent a malformed stream."));
                return;
            }
            if (chunks.isEmpty()) {
                demand.run();
            } else {
                listener.onChunks(chunks, demand);
            }
        }

        @Override
        public void onComplete() {
            if (ended) {
                return;
            }
            ended = true;
            if (!isSuccess(status)) {
                listener.onError(chat.error(status, headers, errorBody.toByteArray(), name), translator.usage());
            } else if (translator.finished()) {
                listener.onComplete(translator.usage());
            } else {
                listener.onError(
                        ApiError.upstreamFailed("Provider '" + name + "' ended the stream early."), translator.usage());
            }
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            if (ended) {
                return;
            }
            ended = true;
            listener.onError(failure.toApiError(name), translator.usage());
        }

        private void fail(ApiError error) {
            ended = true;
            Call c = call;
            if (c != null) {
                c.cancel();
            }
            listener.onError(error, translator.usage());
        }
    }
}
