package io.gatehouse.node.upstream;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The addresses of the upstream hosts that IO threads send to, looked up and kept fresh on a thread
 * of their own, so that an IO thread neither waits for DNS nor ever finds an address stale. The
 * first ask for a host starts a virtual thread that looks it up, then again every {@code ttl} for as
 * long as the host is asked for; a host not asked for during a whole {@code ttl} is forgotten, and
 * starts over when asked for again. A name that does not resolve has no address (its callers go to
 * the shared client, which reports the failure) and is looked up again a {@code ttl} later.
 *
 * <p>Thread-safe.
 */
final class UpstreamAddresses implements AutoCloseable {
    /** Looks a host name up; {@link InetAddress#getByName} but in tests. */
    interface Lookup {
        InetAddress byName(String host) throws UnknownHostException;
    }

    private final Duration ttl;
    private final Lookup lookup;
    private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    UpstreamAddresses(Duration ttl) {
        this(ttl, InetAddress::getByName);
    }

    UpstreamAddresses(Duration ttl, Lookup lookup) {
        this.ttl = requireNonNull(ttl, "ttl");
        this.lookup = requireNonNull(lookup, "lookup");
    }

    /**
     * The address of {@code uri}'s host and port (80 if it has none); null at the first ask (the
     * lookup starts), until the lookup ends, and while the name does not resolve. Never blocks.
     */
    @Nullable
    InetSocketAddress of(URI uri) {
        String key = uri.getRawAuthority();
        Host host = hosts.get(key);
        if (host == null) {
            if (!closed) {
                hosts.computeIfAbsent(
                        key, k -> new Host(k, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80).start());
            }
            return null; // being looked up: the first ask never has an address, however fast the lookup
        }
        if (!host.asked) {
            host.asked = true; // written once per lookup, read by every call
        }
        return host.address;
    }

    /** Stops every lookup; asks after this answer null. */
    @Override
    public void close() {
        closed = true;
        hosts.values().forEach(host -> host.keeper.interrupt());
        hosts.clear();
    }

    /** One host and the virtual thread that keeps its address. */
    private final class Host {
        final String key;
        final String name;
        final int port;
        final Thread keeper;

        volatile @Nullable InetSocketAddress address;
        /** Whether the host was asked for since its last lookup. */
        volatile boolean asked;

        Host(String key, String name, int port) {
            this.key = key;
            this.name = name;
            this.port = port;
            // Named by host and port only: an authority may carry user info.
            this.keeper =
                    Thread.ofVirtual().name("upstream-dns " + name + ":" + port).unstarted(this::keep);
        }

        Host start() {
            keeper.start();
            return this;
        }

        private void keep() {
            try {
                do {
                    asked = false;
                    try {
                        address = new InetSocketAddress(lookup.byName(name), port);
                    } catch (UnknownHostException e) {
                        address = null;
                    }
                    Thread.sleep(ttl);
                } while (asked && !closed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hosts.remove(key, this);
            }
        }
    }
}
