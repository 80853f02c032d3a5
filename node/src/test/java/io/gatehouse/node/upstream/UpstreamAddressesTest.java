package io.gatehouse.node.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamAddressesTest {
    private static final Duration TTL = Duration.ofMillis(200);
    private static final URI UPSTREAM = URI.create("http://models.internal:8080/v1/chat/completions");

    /** Host name to address, changed by the tests; a name missing here does not resolve. */
    private final ConcurrentHashMap<String, InetAddress> dns = new ConcurrentHashMap<>();

    private final AtomicInteger lookups = new AtomicInteger();
    private final UpstreamAddresses addresses = new UpstreamAddresses(TTL, host -> {
        lookups.incrementAndGet();
        InetAddress address = dns.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return address;
    });

    @AfterEach
    void close() {
        addresses.close();
    }

    @Test
    void theFirstAskAnswersNothingHoweverFastTheLookupThenTheAddress() throws Exception {
        dns.put("models.internal", InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));

        assertThat(addresses.of(UPSTREAM)).as("first ask, looked up meanwhile").isNull();

        awaitAddress(UPSTREAM, "10.0.0.1:8080");
    }

    @Test
    void aHostInUseIsLookedUpAgainInTheBackgroundAndNeverAnsweredAsUnknown() throws Exception {
        dns.put("models.internal", InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));
        addresses.of(UPSTREAM);
        awaitAddress(UPSTREAM, "10.0.0.1:8080");

        dns.put("models.internal", InetAddress.getByAddress(new byte[] {10, 0, 0, 2}));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String seen = "10.0.0.1:8080";
        while (seen.equals("10.0.0.1:8080") && System.nanoTime() < deadline) {
            String now = address(addresses.of(UPSTREAM));
            assertThat(now).as("a host in use keeps its address across lookups").isNotNull();
            seen = now;
            Thread.sleep(5);
        }

        assertThat(seen).isEqualTo("10.0.0.2:8080");
        assertThat(lookups).hasValueGreaterThanOrEqualTo(2);
    }

    @Test
    void aHostNotAskedForDuringAWholeLifetimeIsForgottenAndNoLongerLookedUp() throws Exception {
        dns.put("models.internal", InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));
        addresses.of(UPSTREAM);
        awaitAddress(UPSTREAM, "10.0.0.1:8080");

        Thread.sleep(TTL.multipliedBy(3).toMillis());
        int afterIdle = lookups.get();
        Thread.sleep(TTL.multipliedBy(2).toMillis());

        assertThat(lookups).as("no lookups once forgotten").hasValue(afterIdle);
        assertThat(addresses.of(UPSTREAM)).as("asked again, it starts over").isNull();
    }

    @Test
    void aNameThatDoesNotResolveHasNoAddressUntilItDoes() throws Exception {
        addresses.of(UPSTREAM);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lookups.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(lookups).as("looked up").hasPositiveValue();
        assertThat(addresses.of(UPSTREAM)).isNull();

        dns.put("models.internal", InetAddress.getByAddress(new byte[] {10, 0, 0, 3}));

        awaitAddress(UPSTREAM, "10.0.0.3:8080");
    }

    @Test
    void aUriWithoutAPortUsesPort80() throws Exception {
        dns.put("models.internal", InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));
        URI noPort = URI.create("http://models.internal/v1/chat/completions");
        addresses.of(noPort);

        awaitAddress(noPort, "10.0.0.1:80");
    }

    @Test
    void closingStopsTheLookups() throws Exception {
        dns.put("models.internal", InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));
        addresses.of(UPSTREAM);
        awaitAddress(UPSTREAM, "10.0.0.1:8080");

        addresses.close();
        Thread.sleep(50); // a lookup under way at the close ends
        int atClose = lookups.get();
        Thread.sleep(TTL.multipliedBy(3).toMillis());

        assertThat(lookups).hasValue(atClose);
        assertThat(addresses.of(UPSTREAM)).isNull();
    }

    /** Asks for {@code uri} until it has {@code expected} as its address, for at most 5 seconds. */
    private void awaitAddress(URI uri, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!expected.equals(address(addresses.of(uri))) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(address(addresses.of(uri))).isEqualTo(expected);
    }

    private static @Nullable String address(@Nullable InetSocketAddress address) {
        return address == null ? null : address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
