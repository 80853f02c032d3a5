package io.gatehouse.admin.store.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.admin.store.DatabaseSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TestDatabasesTest {

    @Test
    void rewritesHostAndPortToTheProxy() {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5432)) {
            String port = String.valueOf(proxy.port());

            assertThat(TestDatabases.through(settings("jdbc:postgresql://db.internal:5433/test?user=postgres"), proxy)
                            .url())
                    .isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres");
            assertThat(TestDatabases.through(settings("jdbc:postgresql://db/test"), proxy)
                            .url())
                    .isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/test");
            assertThat(TestDatabases.through(settings("jdbc:h2:tcp://127.0.0.1:9092/mem:x;MODE=PostgreSQL"), proxy)
                            .url())
                    .isEqualTo("jdbc:h2:tcp://127.0.0.1:" + port + "/mem:x;MODE=PostgreSQL");
            assertThatThrownBy(() -> TestDatabases.through(settings("jdbc:h2:mem:x"), proxy))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void findsTheAddressOfAUrl() {
        assertThat(TestDatabases.address(settings("jdbc:postgresql://127.0.0.1:5433/test?user=postgres")))
                .isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 5433));
        assertThat(TestDatabases.address(settings("jdbc:postgresql://db/test")))
                .isEqualTo(InetSocketAddress.createUnresolved("db", 5432));
        assertThat(TestDatabases.address(settings("jdbc:postgresql://[::1]:6000/test")))
                .isEqualTo(InetSocketAddress.createUnresolved("::1", 6000));
    }

    @Test
    void h2MemoryDatabasesAreFreshEachTime() {
        DatabaseSettings first = TestDatabases.h2Memory();
        DatabaseSettings second = TestDatabases.h2Memory();

        assertThat(first.url())
                .isNotEqualTo(second.url())
                .contains(";MODE=PostgreSQL;")
                .endsWith(";DB_CLOSE_DELAY=-1");
        assertThat(first.isEmbeddedH2()).isTrue();
    }

    @Test
    void theProxyPipesBytesAndCanBeCutAndRestored() throws IOException {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            Thread server = new Thread(() -> {
                while (!echo.isClosed()) {
                    try {
                        Socket s = echo.accept();
                        Thread t = new Thread(() -> {
                            try (s) {
                                s.getInputStream().transferTo(s.getOutputStream());
                            } catch (IOException e) {
                                // cut
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            server.setDaemon(true);
            server.start();

            try (Socket client = connect(proxy)) {
                assertThat(roundTrip(client, "hello")).isEqualTo("hello");
                proxy.cut();
                assertThatThrownBy(() -> {
                            roundTrip(client, "lost");
                            roundTrip(client, "lost");
                        })
                        .isInstanceOf(IOException.class);
            }
            try (Socket refused = connect(proxy)) {
                assertThatThrownBy(() -> roundTrip(refused, "refused")).isInstanceOf(IOException.class);
            }

            proxy.restore();

            try (Socket client = connect(proxy)) {
                assertThat(roundTrip(client, "again")).isEqualTo("again");
            }
        }
    }

    private static Socket connect(TcpProxy proxy) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(text.getBytes());
        out.flush();
        byte[] answer = in.readNBytes(text.length());
        if (answer.length < text.length()) {
            throw new IOException("connection closed after " + answer.length + " bytes");
        }
        return new String(answer);
    }

    private static DatabaseSettings settings(String url) {
        return new DatabaseSettings(url, null, null, null, 2, Duration.ofSeconds(1));
    }
}
