package io.conntrace.autoconfigure.retry;

import java.time.Duration;
import java.util.Arrays;

import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.SilentProxy;
import io.conntrace.testsupport.TracedApplications;
import io.conntrace.testsupport.TracedContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.timeout.ReadTimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A middlebox that drops an idle connection without FIN or reset: nothing tells the client. What bounds
 * the damage is a response timeout (the request fails in time, with an error naming the connection and
 * how long it sat idle, instead of hanging) and a max idle time below the middlebox's (the connection
 * is never reused at all).
 */
class SilentMiddleboxTests {

	private final ApplicationContextRunner runner = TracedContext.runner().withConfiguration(TracedContext.METRICS);

	@Test
	void responseTimeoutTurnsTheSilentConnectionIntoAClearErrorNotAHang() throws Exception {
		try (CountingServer server = CountingServer.http(); SilentProxy proxy = new SilentProxy(server.port())) {
			this.runner.withPropertyValues("spring.http.clients.read-timeout=500ms").run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				String url = "http://127.0.0.1:" + proxy.port() + "/";
				assertThat(get(client, url)).isEqualTo("ok");
				// Release is asynchronous: wait until the pool holds the connection idle, ready for reuse.
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.until(() -> TracedApplications.idleConnections(registry) == 1);
				proxy.silenceExistingConnections();
				long start = System.nanoTime();
				WebClientRequestException failure = catchThrowableOfType(WebClientRequestException.class,
						() -> get(client, url));
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				assertThat(failure).hasRootCauseInstanceOf(ReadTimeoutException.class);
				assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
				assertThat(Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage))
					.anySatisfy((message) -> assertThat(message).containsPattern(
							"ran on reused connection \\w+, idle \\d+\\.\\d{3} ms before it; no response byte arrived"));
				// A timeout is not a stale connection: the server may be working on it, so it is not sent again.
				assertThat(server.accepted()).isEqualTo(1);
			});
		}
	}

	@Test
	void maxIdleTimeBelowTheMiddleboxsKeepsTheSilentConnectionFromBeingReused() throws Exception {
		try (CountingServer server = CountingServer.http(); SilentProxy proxy = new SilentProxy(server.port())) {
			this.runner.withPropertyValues("conntrace.pool.max-idle-time=200ms", "spring.http.clients.read-timeout=2s")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					String url = "http://127.0.0.1:" + proxy.port() + "/";
					assertThat(get(client, url)).isEqualTo("ok");
					proxy.silenceExistingConnections();
					// The idle time the middlebox would have dropped the connection after: the measured stimulus.
					Thread.sleep(300);
					assertThat(get(client, url)).isEqualTo("ok");
					assertThat(server.accepted()).isEqualTo(2);
				});
		}
	}

	private static String get(WebClient client, String url) {
		return client.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

}
