package io.conntrace.trace;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.ContextView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's own records stay out of the Reactor context when the request has a client observation of its
 * own (an entry there is paid again by every later context write of the exchange), and are still found.
 */
class RequestScopeTests {

	@Test
	void aWebClientRequestKeepsItsRecordsOnItsObservation() throws Exception {
		AtomicReference<ContextView> bound = new AtomicReference<>();
		try (SpanCollector spans = new SpanCollector(); CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(spans.registry(), TracedClient.pool("scope", 2),
						(http) -> http.observe((connection, state) -> capture(connection, state, bound)))) {
			assertThat(client.get(server.url("/"))).isEqualTo("ok");
			ContextView context = bound.get();
			assertThat(context.hasKey(AcquireStart.KEY)).isFalse();
			assertThat(context.hasKey(RequestAttempts.KEY)).isFalse();
			assertThat(RequestScope.get(context, AcquireStart.KEY)).isNotNull();
			assertThat(RequestAttempts.current(context).attempts()).isEqualTo(1);
			assertThat(spans.clientSpans(1).get(0).tag("conntrace.acquire_ms")).isNotNull();
		}
	}

	@Test
	void aRequestWithoutAnObservationKeepsThemInTheReactorContext() throws Exception {
		AtomicReference<ContextView> bound = new AtomicReference<>();
		ConnectionProvider pool = TracedClient.pool("scope-plain", 2);
		try (CountingServer server = CountingServer.http()) {
			String body = ConnectionTracing.instrument(HttpClient.create(pool)
				.observe((connection, state) -> capture(connection, state, bound)))
				.get()
				.uri(server.url("/"))
				.responseContent()
				.aggregate()
				.asString()
				.block(Duration.ofSeconds(10));
			assertThat(body).isEqualTo("ok");
			assertThat(bound.get().hasKey(AcquireStart.KEY)).isTrue();
			assertThat(RequestAttempts.current(bound.get()).attempts()).isEqualTo(1);
		}
		finally {
			pool.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	private static void capture(Connection connection, ConnectionObserver.State state,
			AtomicReference<ContextView> bound) {
		if (state == ConnectionObserver.State.CONFIGURED && connection instanceof CoreSubscriber<?> subscriber) {
			bound.set(subscriber.currentContext());
		}
	}

}
