package io.conntrace.trace;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.conntrace.testsupport.CountingServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.junit.jupiter.api.Test;
import reactor.core.CoreSubscriber;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connect under a caller's {@link RequestAttempts} (conntrace's retry filter, the gateway filter) keeps its
 * {@link AcquireStart} there and adds no Reactor context entry of its own (an entry there is paid again by
 * every later context write of the exchange); the first connect only: one after it, or beside it, keeps its
 * own, so each connect still reads its own stamp. The record itself rides on the request's live
 * observation where there is one ({@link RequestAttempts#attach}), else in the context.
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

	@Test
	void aRecordAttachedToALiveObservationIsFilledThroughItWithoutAnyContextEntry() throws Exception {
		AtomicReference<ContextView> bound = new AtomicReference<>();
		ConnectionProvider pool = TracedClient.pool("scope-observed", 2);
		Observation observation = Observation.start("request", liveRegistry());
		Context base = Context.of(ObservationThreadLocalAccessor.KEY, observation);
		RequestAttempts attempts = new RequestAttempts();
		try (CountingServer server = CountingServer.http()) {
			Context context = attempts.attach(base);
			assertThat(context).isSameAs(base);
			assertThat(observation.getContext().<RequestAttempts>get(RequestAttempts.KEY)).isSameAs(attempts);
			String body = ConnectionTracing.instrument(HttpClient.create(pool)
				.observe((connection, state) -> capture(connection, state, bound)))
				.get()
				.uri(server.url("/"))
				.responseContent()
				.aggregate()
				.asString()
				.contextWrite(context)
				.block(Duration.ofSeconds(10));
			assertThat(body).isEqualTo("ok");
			ContextView seen = bound.get();
			assertThat(seen.hasKey(RequestAttempts.KEY)).isFalse();
			assertThat(seen.hasKey(AcquireStart.KEY)).isFalse();
			assertThat(attempts.attempts()).isEqualTo(1);
			assertThat(attempts.connectionId()).isNotNull();
			assertThat(attempts.responseStarted()).isTrue();
			assertThat(AcquireStart.of(seen)).isSameAs(attempts.start()).isNotNull();
			attempts.detach();
			assertThat(observation.getContext().<RequestAttempts>get(RequestAttempts.KEY)).isNull();
		}
		finally {
			observation.stop();
			pool.disposeLater().block(Duration.ofSeconds(10));
		}
	}

	@Test
	void aSecondRecordOnTheSameObservationAndARecordWithoutALiveOneBecomeContextEntries() {
		Observation observation = Observation.start("request", liveRegistry());
		Context base = Context.of(ObservationThreadLocalAccessor.KEY, observation);
		RequestAttempts first = new RequestAttempts();
		RequestAttempts second = new RequestAttempts();
		assertThat(first.attach(base)).isSameAs(base);
		// Two subscriptions at once under one observation: each must be filled by its own connect only.
		Context secondContext = second.attach(base);
		assertThat(secondContext.<RequestAttempts>get(RequestAttempts.KEY)).isSameAs(second);
		assertThat(RequestAttempts.of(secondContext)).isSameAs(second);
		assertThat(RequestAttempts.of(base)).isSameAs(first);
		// Only its own record is taken off: the second's detach leaves the first in place.
		second.detach();
		assertThat(RequestAttempts.of(base)).isSameAs(first);
		first.detach();
		assertThat(RequestAttempts.of(base)).isNull();
		observation.stop();
		// A proxy's entry, put by hand further out: a client nested inside on an observation of its own takes the
		// record attached there, and a plain client without one still takes the proxy's.
		RequestAttempts proxy = new RequestAttempts();
		Observation nested = Observation.start("nested", liveRegistry());
		Context proxied = base.put(RequestAttempts.KEY, proxy);
		Context nestedContext = proxied.put(ObservationThreadLocalAccessor.KEY, nested);
		assertThat(RequestAttempts.of(nestedContext)).isSameAs(proxy);
		RequestAttempts inner = new RequestAttempts();
		assertThat(inner.attach(nestedContext)).isSameAs(nestedContext);
		assertThat(RequestAttempts.of(nestedContext)).isSameAs(inner);
		assertThat(RequestAttempts.of(proxied)).isSameAs(proxy);
		nested.stop();
		// Without a registry's handler the observation is a no-op one: it has no map to hold the record.
		Context noop = Context.of(ObservationThreadLocalAccessor.KEY, Observation.start("request", ObservationRegistry.NOOP));
		RequestAttempts plain = new RequestAttempts();
		assertThat(RequestAttempts.of(plain.attach(noop))).isSameAs(plain);
		assertThat(RequestAttempts.of(plain.attach(Context.empty()))).isSameAs(plain);
	}

	private static ObservationRegistry liveRegistry() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}
		});
		return registry;
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
