package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import brave.handler.MutableSpan;
import io.conntrace.metrics.ConnectionMeters;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.DelayedDnsServer;
import io.conntrace.testsupport.DelayingProxy;
import io.conntrace.testsupport.LogCapture;
import io.conntrace.testsupport.SpanCollector;
import io.netty.channel.ChannelOption;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ConnectionObserver;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

import static io.conntrace.testsupport.SpanAssertions.millis;
import static io.conntrace.testsupport.SpanAssertions.reused;
import static io.conntrace.testsupport.SpanAssertions.tag;
import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE;
import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE_CANCELLED_IN;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECT;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_ID;
import static io.conntrace.trace.ConnectionSpanAttributes.DNS;
import static io.conntrace.trace.ConnectionSpanAttributes.POOL_WAIT;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request cancelled (by a {@code timeout()}) before it got its connection, in each phase of its acquire:
 * queued in the pool, resolving, connecting, handshaking. The phase and times on its span are checked
 * against the delay the test injected; what happens to the connection against the server's count of
 * accepted sockets and the pool's own gauges.
 */
class CancelledAcquireTests {

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	private static final Duration HELD = Duration.ofMillis(600);

	private final SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());

	private final AtomicReference<ConnectionPoolMetrics> pool = new AtomicReference<>();

	/**
	 * A cold JVM spends a few hundred milliseconds setting up its first connection before anything is
	 * dialled, longer than the timeouts here: warm the client's code path once, on servers of its own.
	 */
	@BeforeAll
	static void warmUp() throws Exception {
		try (SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());
				CountingServer https = CountingServer.https();
				TracedClient client = new TracedClient(spans.registry())) {
			client.get(https.url("/"));
		}
	}

	@AfterEach
	void close() {
		this.spans.close();
	}

	@Test
	void cancelledDuringTlsHandshakeKeepsTheConnectionForTheNextRequest() throws Exception {
		try (CountingServer server = CountingServer.https(); DelayingProxy proxy = new DelayingProxy(server.port(), HELD);
				TracedClient client = client(pool("tls"), UnaryOperator.identity(), true)) {
			String url = "https://127.0.0.1:" + proxy.port() + "/";
			cancelled(client, url);
			MutableSpan span = this.spans.clientSpans(1).get(0);
			assertThat(tag(span, ACQUIRE_CANCELLED_IN)).isEqualTo("tls");
			assertThat(millis(span, ACQUIRE)).isBetween(TIMEOUT.toMillis() * 0.75, HELD.toMillis() * 0.9);
			assertThat(millis(span, CONNECT)).isLessThan(50);
			assertThat(millis(span, POOL_WAIT)).isZero();
			assertThat(tag(span, TLS)).isNull();
			assertThat(tag(span, CONNECTION_ID)).isNull();
			assertThat(cancelledCount("tls", "127.0.0.1")).isEqualTo(1);
			// The handshake completes and the connection goes to the pool, not to waste.
			awaitPool((metrics) -> metrics.idleSize() == 1 && metrics.acquiredSize() == 0);
			this.spans.clear();
			client.get(url);
			MutableSpan next = this.spans.clientSpans(1).get(0);
			System.out.println("ground truth cancelled in tls: " + span.tags() + "; next request: reused="
					+ tag(next, ConnectionSpanAttributes.CONNECTION_REUSED) + " acquire_ms=" + tag(next, ACQUIRE)
					+ ", sockets accepted " + server.accepted());
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(reused(next)).isTrue();
			assertThat(tag(next, TLS)).isNull();
			assertThat(millis(next, ACQUIRE)).isLessThan(HELD.toMillis() / 2.0);
		}
	}

	/**
	 * The kept dial serves a request that was queued behind it, once: the release must not happen while
	 * Reactor Netty is still setting the connection up for the cancelled request.
	 */
	@Test
	void keptDialServesTheQueuedRequestExactlyOnce() throws Exception {
		ConnectionProvider single = single("queued-behind-dial");
		try (CountingServer server = CountingServer.https(); DelayingProxy proxy = new DelayingProxy(server.port(), HELD);
				TracedClient client = client(single, UnaryOperator.identity(), true)) {
			String url = "https://127.0.0.1:" + proxy.port() + "/counted";
			Mono<String> dialler = client.webClient().get().uri(url).retrieve().bodyToMono(String.class)
				.timeout(TIMEOUT);
			Mono<String> queued = client.webClient().post().uri(url).retrieve().bodyToMono(String.class).cache();
			dialler.onErrorResume((ex) -> Mono.empty()).subscribe();
			awaitPool((metrics) -> metrics.allocatedSize() == 1);
			queued.subscribe();
			awaitPool((metrics) -> metrics.pendingAcquireSize() == 1);
			assertThat(queued.block(Duration.ofSeconds(10))).isEqualTo("ok");
			// One more request on the same connection: a duplicate of the POST, had one been written, would have
			// reached the server before it.
			awaitPool((metrics) -> metrics.idleSize() == 1);
			assertThat(client.get(url)).isEqualTo("ok");
			assertThat(server.requests()).isEqualTo(2);
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(this.spans.clientSpans(3)).filteredOn((span) -> "POST".equals(span.tag("method")))
				.singleElement()
				.satisfies((span) -> assertThat(reused(span)).isTrue());
		}
	}

	@Test
	void withoutKeepingDialsTheConnectionIsClosedAndTheNextRequestPaysTheHandshakeAgain() throws Exception {
		try (CountingServer server = CountingServer.https(); DelayingProxy proxy = new DelayingProxy(server.port(), HELD);
				TracedClient client = client(pool("tls-discarded"), UnaryOperator.identity(), false)) {
			String url = "https://127.0.0.1:" + proxy.port() + "/";
			cancelled(client, url);
			assertThat(tag(this.spans.clientSpans(1).get(0), ACQUIRE_CANCELLED_IN)).isEqualTo("tls");
			// Reactor Netty's own behaviour: the finished handshake is thrown away.
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == 1);
			awaitPool((metrics) -> metrics.allocatedSize() == 0);
			this.spans.clear();
			client.get(url);
			MutableSpan next = this.spans.clientSpans(1).get(0);
			System.out.println("ground truth cancelled in tls, keep-cancelled-dials=false: next request tls_ms="
					+ tag(next, TLS) + ", sockets accepted " + server.accepted());
			assertThat(server.accepted()).isEqualTo(2);
			assertThat(reused(next)).isFalse();
			assertThat(millis(next, TLS)).isGreaterThanOrEqualTo(HELD.toMillis());
		}
	}

	@Test
	void http2ConnectionOpenedForACancelledStreamServesTheNextStreams() throws Exception {
		CountDownLatch connected = new CountDownLatch(1);
		try (CountingServer server = CountingServer.http2(true); DelayingProxy proxy = new DelayingProxy(server.port(), HELD);
				TracedClient client = client(pool("h2"), (http) -> Http2GroundTruthTests.http2(true)
					.apply(http)
					.observe((connection, state) -> {
						if (state == ConnectionObserver.State.CONNECTED) {
							connected.countDown();
						}
					}), true)) {
			String url = "https://127.0.0.1:" + proxy.port() + "/";
			cancelled(client, url);
			assertThat(tag(this.spans.clientSpans(1).get(0), ACQUIRE_CANCELLED_IN)).isEqualTo("tls");
			assertThat(connected.await(5, TimeUnit.SECONDS)).isTrue();
			this.spans.clear();
			// The connection belongs to Reactor Netty's HTTP/2 pool, which keeps it: conntrace leaves it there.
			assertThat(client.get(url)).isEqualTo("ok");
			assertThat(client.get(url)).isEqualTo("ok");
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(this.spans.clientSpans(2)).allSatisfy((span) -> {
				assertThat(tag(span, ConnectionSpanAttributes.NETWORK_PROTOCOL_VERSION)).isEqualTo("2");
				assertThat(reused(span)).isTrue();
			});
		}
	}

	@Test
	void cancelledDuringDnsKeepsTheConnectionOpenedAfterTheAnswer() throws Exception {
		try (DelayedDnsServer dns = new DelayedDnsServer(HELD); CountingServer server = CountingServer.http();
				TracedClient client = client(pool("dns"), dns::resolveWithMe, true)) {
			String url = "http://conntrace.test:" + server.port() + "/";
			cancelled(client, url);
			MutableSpan span = this.spans.clientSpans(1).get(0);
			assertThat(tag(span, ACQUIRE_CANCELLED_IN)).isEqualTo("dns");
			assertThat(tag(span, DNS)).isNull();
			assertThat(tag(span, CONNECT)).isNull();
			assertThat(cancelledCount("dns", "conntrace.test")).isEqualTo(1);
			awaitPool((metrics) -> metrics.idleSize() == 1);
			this.spans.clear();
			client.get(url);
			assertThat(reused(this.spans.clientSpans(1).get(0))).isTrue();
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(dns.queries()).isEqualTo(1);
		}
	}

	@Test
	void cancelledDuringConnectAndTheDialFailsLeavesNothingBehind() throws Exception {
		try (FullBacklog server = new FullBacklog();
				TracedClient client = client(pool("connect"),
						(http) -> http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000), true)) {
			cancelled(client, "http://127.0.0.1:" + server.port() + "/");
			MutableSpan span = this.spans.clientSpans(1).get(0);
			assertThat(tag(span, ACQUIRE_CANCELLED_IN)).isEqualTo("connect");
			assertThat(tag(span, CONNECT)).isNull();
			assertThat(cancelledCount("connect", "127.0.0.1")).isEqualTo(1);
			// The dial runs on to its connect timeout and fails: the pool lets go of its slot.
			awaitPool((metrics) -> metrics.allocatedSize() == 1);
			awaitPool((metrics) -> metrics.allocatedSize() == 0 && metrics.acquiredSize() == 0
					&& metrics.pendingAcquireSize() == 0);
		}
	}

	@Test
	void cancelledWhileQueuedLeavesTheQueueAtOnce() throws Exception {
		ConnectionProvider single = single("queue");
		try (CountingServer server = CountingServer.http();
				TracedClient client = client(single, UnaryOperator.identity(), true)) {
			Mono<String> holder = holdTheOnlyConnection(client, server, 1500);
			long cancelledAt = System.nanoTime();
			cancelled(client, server.url("/"));
			// Gone from the queue well before the slow request ends.
			awaitPool((metrics) -> metrics.pendingAcquireSize() == 0);
			assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofMillis(1000));
			MutableSpan span = this.spans.clientSpans(1).get(0);
			assertThat(tag(span, ACQUIRE_CANCELLED_IN)).isEqualTo("pool");
			assertThat(millis(span, POOL_WAIT)).isBetween(TIMEOUT.toMillis() * 0.75, 1000.0)
				.isCloseTo(millis(span, ACQUIRE), org.assertj.core.api.Assertions.within(5.0));
			assertThat(cancelledCount("pool", "127.0.0.1")).isEqualTo(1);
			assertThat(holder.block(Duration.ofSeconds(10))).isEqualTo("slow");
			// The connection was never handed to the cancelled request, so it was not closed for it either.
			client.get(server.url("/"));
			assertThat(server.accepted()).isEqualTo(1);
		}
	}

	/**
	 * On a Reactor Netty without the connect Mono's configuration, a cancelled queued request cannot be told to
	 * be HTTP/1.1-only, so it is left to the pool as without conntrace: no failure reaches a request, the pool's
	 * counts come back to zero, and its connection serves the next request.
	 */
	@Test
	void withoutTheConnectConfigACancelledQueuedRequestLeavesThePoolAsItWas() throws Exception {
		WithoutInternals.withoutConnectConfig(() -> {
			ConnectionProvider single = single("no-config");
			try (CountingServer server = CountingServer.http();
					TracedClient client = client(single, UnaryOperator.identity(), true)) {
				Mono<String> holder = holdTheOnlyConnection(client, server, 500);
				cancelled(client, server.url("/"));
				// Not taken out of the queue by conntrace (the feature is off): it waits for the slow request.
				assertThat(this.pool.get().pendingAcquireSize()).isEqualTo(1);
				assertThat(holder.block(Duration.ofSeconds(10))).isEqualTo("slow");
				awaitPool((metrics) -> metrics.acquiredSize() == 0 && metrics.pendingAcquireSize() == 0);
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
				awaitPool((metrics) -> metrics.acquiredSize() == 0 && metrics.pendingAcquireSize() == 0);
				// As without conntrace: the pool may hand the connection to the cancelled borrower, which closes it.
				assertThat(server.accepted()).isBetween(1, 2);
				Awaitility.await().atMost(Duration.ofSeconds(5))
					.until(() -> this.pool.get().allocatedSize() == server.accepted() - server.closed());
			}
		});
	}

	@Test
	void failuresAtTheWaitAndCancelHooksNeverReachTheRequest() throws Exception {
		try (LogCapture log = LogCapture.of(ConnectionTracing.class)) {
			for (Hook hook : List.of(Hook.WAIT, Hook.CANCEL)) {
				log.clear();
				HookFaults.arm(hook);
				ConnectionProvider single = single("faults-" + hook);
				try (CountingServer server = CountingServer.http();
						TracedClient client = client(single, UnaryOperator.identity(), true)) {
					Mono<String> holder = holdTheOnlyConnection(client, server, 500);
					cancelled(client, server.url("/"));
					assertThat(holder.block(Duration.ofSeconds(10))).isEqualTo("slow");
					assertThat(client.get(server.url("/"))).isEqualTo("ok");
				}
				assertThat(log.warningMessages()).hasSize(1).first().asString().contains(hook.name());
			}
		}
		finally {
			HookFaults.disarm();
		}
	}

	/** A slow request that holds the only connection of the pool until it answers. */
	private Mono<String> holdTheOnlyConnection(TracedClient client, CountingServer server, long millis) {
		Mono<String> holder = client.webClient()
			.get()
			.uri(server.url("/slow?ms=" + millis))
			.retrieve()
			.bodyToMono(String.class)
			.cache();
		holder.subscribe();
		awaitPool((metrics) -> metrics.acquiredSize() == 1);
		return holder;
	}

	private void cancelled(TracedClient client, String url) {
		assertThatThrownBy(
				() -> client.webClient().get().uri(url).retrieve().bodyToMono(String.class).timeout(TIMEOUT).block())
			.hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
	}

	private ConnectionProvider pool(String name) {
		return pool(name, 5);
	}

	/** A pool of one connection, whose gauges the test reads. */
	private ConnectionProvider single(String name) {
		return pool(name, 1);
	}

	private ConnectionProvider pool(String name, int maxConnections) {
		return TracedClient.timed(ConnectionProvider.builder(name)
			.maxConnections(maxConnections)
			.metrics(true, () -> (poolName, id, remote, metrics) -> this.pool.set(metrics)));
	}

	private TracedClient client(ConnectionProvider provider, UnaryOperator<reactor.netty.http.client.HttpClient> customizer,
			boolean keepCancelledDials) {
		return new TracedClient(this.spans.registry(), provider, customizer,
				ConnectionTracing.create(new ConnectionMeters(this.spans.meters(), 10), true, keepCancelledDials));
	}

	private void awaitPool(java.util.function.Predicate<ConnectionPoolMetrics> condition) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> this.pool.get() != null && condition.test(this.pool.get()));
	}

	/** The counter, tagged with the server: for a queued request, read from the request's own URI. */
	private double cancelledCount(String phase, String server) {
		return this.spans.meters()
			.get("conntrace.acquire.cancelled")
			.tag("phase", phase)
			.tag("server.address", server)
			.counter()
			.count();
	}

	/**
	 * A listening socket whose accept queue is full and never drained: the kernel drops further SYNs, so a
	 * connect to it stays in progress until the client's connect timeout.
	 */
	static final class FullBacklog implements AutoCloseable {

		private final ServerSocket server;

		private final List<Socket> fillers = new ArrayList<>();

		FullBacklog() throws Exception {
			this.server = new ServerSocket();
			this.server.bind(new InetSocketAddress("127.0.0.1", 0), 1);
			for (int i = 0; i < 4; i++) {
				Socket socket = new Socket();
				try {
					socket.connect(this.server.getLocalSocketAddress(), 200);
					this.fillers.add(socket);
				}
				catch (java.io.IOException ex) {
					socket.close();
					break;
				}
			}
		}

		int port() {
			return this.server.getLocalPort();
		}

		@Override
		public void close() throws Exception {
			for (Socket socket : this.fillers) {
				socket.close();
			}
			this.server.close();
		}

	}

}
