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
 * A connect under a caller's {@link RequestAttempts} (conntrace's retry filter, the gateway filter) keeps its
 * {@link AcquireStart} there and adds no Reactor context entry of its own (an entry there is paid again by
 * every later context write of the exchange); the first connect only: one after it, or beside it, keeps its
 * own, so each connect still reads its own stamp.
 */
class AcquireStartCarrierTests {

	@Test
	void theFirstConnectUnderARecordKeepsItsStampThereAndALaterOneKeepsItsOwn() throws Exception {
		AtomicReference<ContextView> bound = new AtomicReference<>();
		ConnectionProvider pool = TracedClient.pool("scope", 2);
		RequestAttempts attempts = new RequestAttempts();
		try (CountingServer server = CountingServer.http()) {
			HttpClient client = ConnectionTracing.instrument(HttpClient.create(pool)
				.observe((connection, state) -> capture(connection, state, bound)));
			get(client, server, attempts);
			ContextView first = bound.get();
			assertThat(first.hasKey(AcquireStart.KEY)).isFalse();
			assertThat(AcquireStart.of(first)).isSameAs(attempts.start()).isNotNull();
			// A second connect under the same record (a retry inside the caller's): its own entry, its own stamp.
			get(client, server, attempts);
			ContextView second = bound.get();
			assertThat(second.hasKey(AcquireStart.KEY)).isTrue();
			assertThat(AcquireStart.of(second)).isNotSameAs(attempts.start());
			// Every bind counts on the caller's record: two, so neither could be taken for a lone stale attempt.
			assertThat(attempts.attempts()).isEqualTo(2);
		}
		finally {
			pool.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	@Test
	void aConnectWithoutARecordKeepsItsStampInTheReactorContext() throws Exception {
		AtomicReference<ContextView> bound = new AtomicReference<>();
		ConnectionProvider pool = TracedClient.pool("scope-plain", 2);
		try (CountingServer server = CountingServer.http()) {
			get(ConnectionTracing.instrument(HttpClient.create(pool)
				.observe((connection, state) -> capture(connection, state, bound))), server, null);
			assertThat(bound.get().hasKey(AcquireStart.KEY)).isTrue();
		}
		finally {
			pool.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	private static void get(HttpClient client, CountingServer server, RequestAttempts attempts) {
		String body = client.get()
			.uri(server.url("/"))
			.responseContent()
			.aggregate()
			.asString()
			.contextWrite((context) -> (attempts != null) ? context.put(RequestAttempts.KEY, attempts) : context)
			.block(Duration.ofSeconds(10));
		assertThat(body).isEqualTo("ok");
	}

	private static void capture(Connection connection, ConnectionObserver.State state,
			AtomicReference<ContextView> bound) {
		if (state == ConnectionObserver.State.CONFIGURED && connection instanceof CoreSubscriber<?> subscriber) {
			bound.set(subscriber.currentContext());
		}
	}

}
