package io.conntrace.trace;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.SpanCollector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How each connection ended, as a listener hears it, against what the test made happen: the pool's
 * idle and life limits, a server closing idle connections, the pool's disposal.
 */
class CloseReasonTests {

	private final SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());

	private final Recorder recorder = new Recorder();

	@AfterEach
	void close() {
		this.spans.close();
	}

	@Test
	void idleLimitEvictsAsIdleEvicted() throws Exception {
		try (CountingServer server = CountingServer.http(); TracedClient client = client(pool(Duration.ofMillis(200), null))) {
			client.getAndAwaitRelease(server.url("/"));
			client.get(server.url("/"));
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == 1);
			assertThat(this.recorder.awaitOne()).isEqualTo(new Closed(CloseReason.IDLE_EVICTED, 2, true));
		}
	}

	@Test
	void lifeLimitEvictsAsMaxLife() throws Exception {
		try (CountingServer server = CountingServer.http();
				TracedClient client = client(pool(Duration.ofMinutes(1), Duration.ofMillis(300)))) {
			client.getAndAwaitRelease(server.url("/"));
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == 1);
			assertThat(this.recorder.awaitOne()).isEqualTo(new Closed(CloseReason.MAX_LIFE, 1, true));
		}
	}

	@Test
	void serverClosingAnIdleConnectionIsServerClosed() throws Exception {
		try (CountingServer server = CountingServer.httpClosingIdleAfter(Duration.ofMillis(200));
				TracedClient client = client(TracedClient.pool("plain", 4))) {
			client.getAndAwaitRelease(server.url("/"));
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == 1);
			assertThat(this.recorder.awaitOne()).isEqualTo(new Closed(CloseReason.SERVER_CLOSED, 1, true));
		}
	}

	@Test
	void disposingThePoolClosesAsClientClosedAfterPoolDisposing() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			TracedClient client = client(TracedClient.pool("plain", 4));
			client.getAndAwaitRelease(server.url("/"));
			client.close();
			// Disposal completes only after the close was reported.
			assertThat(this.recorder.closed).singleElement()
				.isEqualTo(new Closed(CloseReason.CLIENT_CLOSED, 1, true));
		}
	}

	private TracedClient client(ConnectionProvider provider) {
		ConnectionTracing tracing = ConnectionTracing.create(this.recorder, true);
		return new TracedClient(this.spans.registry(), provider, UnaryOperator.identity(), tracing);
	}

	private static ConnectionProvider pool(Duration maxIdle, Duration maxLife) {
		return TracedClient.timed(ConnectionProvider.builder("evicting")
			.maxConnections(4)
			.evictionPredicate(ConnectionEviction.of(maxIdle, maxLife))
			.evictInBackground(Duration.ofMillis(50))
			);
	}

	record Closed(CloseReason reason, int requests, boolean lived) {
	}

	static final class Recorder implements ConnectionListener {

		final List<Closed> closed = new CopyOnWriteArrayList<>();

		@Override
		public void connectionClosed(String host, int port, CloseReason reason, long lifetimeNanos, int requests) {
			this.closed.add(new Closed(reason, requests, lifetimeNanos > 0));
		}

		Closed awaitOne() {
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !this.closed.isEmpty());
			assertThat(this.closed).hasSize(1);
			return this.closed.get(0);
		}

	}

}
