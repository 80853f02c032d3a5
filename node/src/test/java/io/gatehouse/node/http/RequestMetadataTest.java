package io.gatehouse.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;

class RequestMetadataTest {
    @Test
    void metadataHeadersAreReadByTheRestOfTheirNameInLowerCase() {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.getRequestHeaders()
                .put(HttpString.tryFromString("X-Gatehouse-Meta-Team"), "search")
                .put(HttpString.tryFromString("x-gatehouse-meta-cost-center"), "4711")
                .put(HttpString.tryFromString("x-gatehouse-meta-"), "no name")
                .put(HttpString.tryFromString("x-gatehouse-policy"), "not metadata")
                .put(HttpString.tryFromString("Authorization"), "Bearer secret");

        assertThat(RequestMetadata.of(exchange))
                .containsOnly(java.util.Map.entry("team", "search"), java.util.Map.entry("cost-center", "4711"));
    }

    @Test
    void aRequestWithoutMetadataHasNone() {
        HttpServerExchange exchange = new HttpServerExchange(null);
        exchange.getRequestHeaders().put(HttpString.tryFromString("Content-Type"), "application/json");

        assertThat(RequestMetadata.of(exchange)).isEmpty();
    }
}
