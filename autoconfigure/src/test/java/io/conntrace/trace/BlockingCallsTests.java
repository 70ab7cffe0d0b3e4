package io.conntrace.trace;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.LogCapture;
import io.conntrace.testsupport.SpanAssertions;
import io.conntrace.testsupport.SpanCollector;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.RequestReplyReceiverContext;
import io.micrometer.observation.transport.RequestReplySenderContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A blocking caller (Spring's RestClient over {@link ReactorClientHttpRequestFactory}, no Boot) whose observation
 * is a thread-local scope around {@code block()}: the facts reach its span, stale connections are sent again by
 * the rule, and a server's span around the call gets nothing.
 */
class BlockingCallsTests {

	private final SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());

	private final ConnectionProvider pool = TracedClient.pool("blocking", 50);

	@AfterEach
	void close() {
		this.pool.disposeLater().block(Duration.ofSeconds(10));
		this.spans.close();
	}

	private final AtomicInteger released = new AtomicInteger();

	/** A client whose releases are counted from zero. */
	private RestClient client(ResendRule rule) {
		this.released.set(0);
		BlockingCalls calls = BlockingCalls.create(this.spans.registry(), rule, ConnectionListener.NONE, List.of());
		HttpClient httpClient = ConnectionTracing.create(ConnectionListener.NONE, true)
			.apply(HttpClient.create(this.pool).observe((connection, state) -> {
				if (state == ConnectionObserver.State.RELEASED) {
					this.released.incrementAndGet();
				}
			}), calls);
		return RestClient.builder()
			.requestFactory(new ReactorClientHttpRequestFactory(httpClient))
			.observationRegistry(this.spans.registry())
			.build();
	}

	@Test
	void sequentialCallsCarryTheFactsOfTheConnectionsTheServerAccepted() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			RestClient client = client(ResendRule.of(true, false, false));
			for (int i = 0; i < 20; i++) {
				assertThat(client.get().uri(server.url("/")).retrieve().body(String.class)).isEqualTo("ok");
			}
			List<MutableSpan> clientSpans = this.spans.clientSpans(20);
			assertThat(clientSpans).hasSize(20);
			assertThat(SpanAssertions.newConnections(clientSpans)).isEqualTo(server.accepted());
			assertThat(clientSpans).allSatisfy((span) -> assertThat(SpanAssertions.tag(span,
					ConnectionSpanAttributes.CONNECTION_ID)).isNotNull());
		}
	}

	@Test
	void aStaleConnectionIsSentAgainOnceAndTheSpanSaysSo() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			RestClient client = client(ResendRule.of(true, false, false));
			assertThat(client.get().uri(server.url("/close-second")).retrieve().body(String.class)).isEqualTo("ok");
			awaitReleased(1);
			assertThat(client.get().uri(server.url("/close-second")).retrieve().body(String.class)).isEqualTo("ok");
			List<MutableSpan> clientSpans = this.spans.clientSpans(2);
			MutableSpan second = clientSpans.get(1);
			assertThat(SpanAssertions.tag(second, ConnectionSpanAttributes.RETRY)).isEqualTo("stale-connection");
			assertThat(SpanAssertions.reused(second)).isFalse();
			assertThat(server.accepted()).isEqualTo(2);
		}
	}

	@Test
	void aPostWithABodyIsNotSentAgainAndItsErrorNamesTheConnection() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			RestClient client = client(ResendRule.of(true, true, false));
			assertThat(client.post().uri(server.url("/echo-body")).body("one").retrieve().body(String.class))
				.isEqualTo("one");
			awaitReleased(1);
			ResourceAccessException failure = catchThrowableOfType(ResourceAccessException.class,
					() -> client.post().uri(server.url("/echo-body")).body("two").retrieve().body(String.class));
			assertThat(failure).isNotNull();
			assertThat(failure.getCause()).isInstanceOf(PrematureCloseException.class);
			assertThat(failure.getCause().getSuppressed()).extracting(Throwable::getMessage)
				.anySatisfy((message) -> assertThat(message).contains("ran on reused connection"));
			assertThat(server.accepted()).isEqualTo(1);
		}
	}

	@Test
	void aPutWithoutABodyIsSentAgainAndOneWithABodyOnlyWhenBodiesMayBeReplayed() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			RestClient client = client(ResendRule.of(true, false, false));
			assertThat(client.put().uri(server.url("/echo-body")).retrieve().toBodilessEntity().getStatusCode().value())
				.isEqualTo(200);
			awaitReleased(1);
			assertThat(client.put().uri(server.url("/echo-body")).retrieve().toBodilessEntity().getStatusCode().value())
				.isEqualTo(200);
			assertThat(server.accepted()).isEqualTo(2);
			assertThat(SpanAssertions.tag(this.spans.clientSpans(2).get(1), ConnectionSpanAttributes.RETRY))
				.isEqualTo("stale-connection");
		}
		try (CountingServer server = CountingServer.http()) {
			RestClient client = client(ResendRule.of(true, false, false));
			assertThat(client.put().uri(server.url("/echo-body")).body("one").retrieve().body(String.class))
				.isEqualTo("one");
			awaitReleased(1);
			assertThat(catchThrowableOfType(ResourceAccessException.class,
					() -> client.put().uri(server.url("/echo-body")).body("two").retrieve().body(String.class)))
				.isNotNull();
			assertThat(server.accepted()).isEqualTo(1);
		}
		try (CountingServer server = CountingServer.http()) {
			RestClient client = client(ResendRule.of(true, false, true));
			assertThat(client.put().uri(server.url("/echo-body")).body("one").retrieve().body(String.class))
				.isEqualTo("one");
			awaitReleased(1);
			// Written again whole on the new connection: the server echoes it.
			assertThat(client.put().uri(server.url("/echo-body")).body("two").retrieve().body(String.class))
				.isEqualTo("two");
			assertThat(server.accepted()).isEqualTo(2);
			assertThat(SpanAssertions.tag(this.spans.clientSpans(6).get(5), ConnectionSpanAttributes.RETRY))
				.isEqualTo("stale-connection");
		}
	}

	@Test
	void theCallersClientObservationGetsTheFactsAndAServerObservationAroundTheCallNone() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			HttpClient httpClient = ConnectionTracing.create(ConnectionListener.NONE, true)
				.apply(HttpClient.create(this.pool), BlockingCalls.create(this.spans.registry(), ResendRule.NEVER,
						ConnectionListener.NONE, List.of()));
			Observation client = observation(new RequestReplySenderContext<Object, Object>((carrier, key, value) -> {
			}));
			Observation around = observation(new RequestReplyReceiverContext<Object, Object>((carrier, key) -> null));
			Observation propagated = observation(new RequestReplyReceiverContext<Object, Object>((carrier, key) -> null));
			for (Observation observation : List.of(client, around)) {
				try (Observation.Scope scope = observation.openScope()) {
					// A plain Reactor Netty caller blocking inside its observation's scope, as RestClient does.
					assertThat(get(httpClient, server, Context.empty())).isEqualTo("ok");
				}
				observation.stop();
			}
			// Automatic context propagation copies the thread's observation into the request's context.
			assertThat(get(httpClient, server, Context.of(ObservationThreadLocalAccessor.KEY, propagated))).isEqualTo("ok");
			propagated.stop();
			assertThat((Object) client.getContext().get(RequestFacts.KEY)).isNotNull();
			assertThat((Object) around.getContext().get(RequestFacts.KEY)).isNull();
			assertThat((Object) propagated.getContext().get(RequestFacts.KEY)).isNull();
		}
	}

	private static String get(HttpClient httpClient, CountingServer server, Context context) {
		return httpClient.get().uri(server.url("/")).responseContent().aggregate().asString().contextWrite(context).block();
	}

	private Observation observation(Observation.Context context) {
		return Observation.createNotStarted("call", () -> context, this.spans.registry()).start();
	}

	@Test
	void aFailureInTheBlockingCallHookNeverReachesTheCall() throws Exception {
		HookFaults.arm(Hook.CALL);
		try (LogCapture log = LogCapture.of(ConnectionTracing.class); CountingServer server = CountingServer.http()) {
			RestClient client = client(ResendRule.of(true, false, false));
			assertThat(client.get().uri(server.url("/close-second")).retrieve().body(String.class)).isEqualTo("ok");
			awaitReleased(1);
			// As without conntrace: the stale connection fails the call, which gets the client's own error.
			ResourceAccessException failure = catchThrowableOfType(ResourceAccessException.class,
					() -> client.get().uri(server.url("/close-second")).retrieve().body(String.class));
			assertThat(failure).isNotNull();
			assertThat(failure.getCause()).isInstanceOf(PrematureCloseException.class);
			assertThat(log.warningMessages()).hasSize(1).first().asString().contains("CALL");
		}
		finally {
			HookFaults.disarm();
		}
	}

	/** The calls' connections back in the pool, so the next call reuses one: release is asynchronous. */
	private void awaitReleased(int calls) {
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.released.get() >= calls);
	}

}
