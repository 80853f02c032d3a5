package io.gatehouse.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.node.testing.TestNodes;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A node says when its policies cannot have their decisions remembered, and only then. */
class RememberedDecisionsLogTest {
    private static final String NOT_REMEMBERED = "no decision is remembered";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger switchLog = (Logger) LoggerFactory.getLogger(ConfigSwitch.class);

    @BeforeEach
    void listen() {
        logs.start();
        switchLog.addAppender(logs);
    }

    @AfterEach
    void stopListening() {
        switchLog.detachAppender(logs);
    }

    private static String config(String when) {
        return """
                providers:
                  - { name: mock, type: mock }
                models:
                  - name: fast
                    deployments: [{ provider: mock, model: general-fast }]
                policies:
                  - name: only
                    when: "%s"
                """.formatted(when);
    }

    private boolean saidNotRemembered() {
        return logs.list.stream().anyMatch(event -> event.getFormattedMessage().contains(NOT_REMEMBERED));
    }

    @Test
    void policiesThatReadTheTimeAreReportedAtStart() {
        Node node = TestNodes.start(config("request.time.getHours('UTC') < 24"));
        try {
            assertThat(saidNotRemembered()).isTrue();
        } finally {
            node.stop(Duration.ZERO);
        }
    }

    @Test
    void policiesWhoseDecisionsAreRememberedAreNotReported() {
        Node node = TestNodes.start(config("request.model == 'fast'"));
        try {
            assertThat(saidNotRemembered()).isFalse();
        } finally {
            node.stop(Duration.ZERO);
        }
    }
}
