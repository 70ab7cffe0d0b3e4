package io.conntrace.trace;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.DelayedDnsServer;
import io.conntrace.testsupport.SpanAssertions;
import io.conntrace.testsupport.SpanCollector;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

import static io.conntrace.testsupport.SpanAssertions.annotations;
import static io.conntrace.testsupport.SpanAssertions.millis;
import static io.conntrace.testsupport.SpanAssertions.newConnections;
import static io.conntrace.testsupport.SpanAssertions.reused;
import static io.conntrace.testsupport.SpanAssertions.tag;
import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECT;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_AGE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_ID;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_IDLE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_REQUESTS;
import static io.conntrace.trace.ConnectionSpanAttributes.DNS;
import static io.conntrace.trace.ConnectionSpanAttributes.HTTP2_STREAMS_IN_FLIGHT;
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PROTOCOL_VERSION;
import static io.conntrace.trace.ConnectionSpanAttributes.POOL_WAIT;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_CIPHER;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_PROTOCOL_VERSION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ground truth on HTTP/2: the connection is the socket, never a stream. The server's own count of
 * accepted sockets must equal the spans saying {@code reused=false} and the distinct connection ids,
 * and each connection's streams must be numbered 1..n, over h2c (prior knowledge) and h2 (TLS, ALPN).
 */
class Http2GroundTruthTests {

	private final SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());

	@AfterEach
	void close() {
		this.spans.close();
	}

	/** The client side of HTTP/2 as a user switches it on: h2c, or h2 over TLS trusting the test certificate. */
	static UnaryOperator<HttpClient> http2(boolean tls) {
		return (client) -> tls ? client.protocol(HttpProtocol.H2)
			.secure((spec) -> spec.sslContext(Http2SslContextSpec.forClient()
				.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE))))
				: client.protocol(HttpProtocol.H2C);
	}

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void everyStreamCarriesItsSocketsFacts(boolean tls) throws Exception {
		try (CountingServer server = CountingServer.http2(tls);
				TracedClient client = new TracedClient(this.spans.registry(), TracedClient.pool("h2", 50),
						http2(tls))) {
			for (int i = 0; i < 10; i++) {
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
			}
			List<String> bodies = Flux.range(0, 30)
				.flatMap((i) -> client.webClient().get().uri(server.url("/slow?ms=" + (20 + (i % 5) * 10)))
					.retrieve()
					.bodyToMono(String.class), 8)
				.collectList()
				.block(Duration.ofSeconds(60));
			assertThat(bodies).hasSize(30);
			List<MutableSpan> clientSpans = this.spans.clientSpans(40);
			assertThat(clientSpans).hasSize(40);
			Map<String, List<MutableSpan>> byConnection = clientSpans.stream()
				.collect(Collectors.groupingBy((span) -> tag(span, CONNECTION_ID)));
			System.out.printf("ground truth %s 10 sequential + 30 at concurrency 8: sockets accepted=%d "
					+ "reused=false spans=%d distinct ids=%d spans with facts=%d of %d%n", tls ? "h2" : "h2c",
					server.accepted(), newConnections(clientSpans), byConnection.size(),
					clientSpans.stream().filter((span) -> tag(span, CONNECTION_ID) != null).count(), clientSpans.size());
			assertThat(server.accepted()).isPositive();
			assertThat(newConnections(clientSpans)).isEqualTo(server.accepted());
			assertThat(byConnection).hasSize(server.accepted()).doesNotContainKey(null);
			for (List<MutableSpan> streams : byConnection.values()) {
				List<Integer> ordinals = streams.stream()
					.map((span) -> Integer.parseInt(tag(span, CONNECTION_REQUESTS)))
					.sorted()
					.toList();
				assertThat(ordinals).isEqualTo(IntStream.rangeClosed(1, streams.size()).boxed().toList());
			}
			assertThat(clientSpans).allSatisfy((span) -> {
				assertThat(tag(span, NETWORK_PROTOCOL_VERSION)).isEqualTo("2");
				int inFlight = Integer.parseInt(tag(span, HTTP2_STREAMS_IN_FLIGHT));
				assertThat(inFlight).isNotNegative();
				assertThat(millis(span, POOL_WAIT)).isLessThanOrEqualTo(millis(span, ACQUIRE));
				if (reused(span)) {
					assertThat(tag(span, CONNECT)).isNull();
					assertThat(tag(span, TLS)).isNull();
					assertThat(millis(span, CONNECTION_AGE)).isNotNegative();
					assertThat(millis(span, POOL_WAIT)).isEqualTo(millis(span, ACQUIRE));
					assertThat(annotations(span)).doesNotContain("conntrace.connect", "conntrace.tls");
					// Idle only when nothing else ran on the connection.
					assertThat(tag(span, CONNECTION_IDLE) != null).isEqualTo(inFlight == 0);
				}
				else {
					assertThat(inFlight).isZero();
					assertThat(millis(span, CONNECT)).isNotNegative();
					assertThat(tag(span, CONNECTION_IDLE)).isNull();
					assertThat(tag(span, CONNECTION_AGE)).isNull();
					assertThat(annotations(span)).contains("conntrace.connect");
				}
				if (tls) {
					assertThat(tag(span, TLS_PROTOCOL_VERSION)).isIn("1.2", "1.3");
					assertThat(tag(span, TLS_CIPHER)).startsWith("TLS_");
					if (!reused(span)) {
						assertThat(millis(span, TLS)).isPositive();
					}
				}
				else {
					assertThat(tag(span, TLS_PROTOCOL_VERSION)).isNull();
				}
			});
			assertThat(clientSpans).anySatisfy(
					(span) -> assertThat(Integer.parseInt(tag(span, HTTP2_STREAMS_IN_FLIGHT))).isPositive());
			// Sequential requests after the first find the connection idle.
			assertThat(clientSpans.subList(1, 10)).allSatisfy((span) -> assertThat(reused(span)).isTrue());
		}
	}

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void waitForAStreamSlotIsPoolWait(boolean tls) throws Exception {
		ConnectionProvider oneStream = TracedClient.timed(ConnectionProvider.builder("h2-one-stream")
			.maxConnections(1)
			.allocationStrategy(Http2AllocationStrategy.builder().maxConnections(1).maxConcurrentStreams(1).build())
			);
		try (CountingServer server = CountingServer.http2(tls);
				TracedClient client = new TracedClient(this.spans.registry(), oneStream, http2(tls))) {
			// Warm: the connection exists, so no wait below is its opening.
			client.get(server.url("/"));
			this.spans.clientSpans(1);
			this.spans.clear();
			List<String> bodies = Flux.range(0, 3)
				.flatMap((i) -> client.webClient().get().uri(server.url("/slow?ms=300")).retrieve()
					.bodyToMono(String.class), 3)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(bodies).hasSize(3);
			List<MutableSpan> clientSpans = this.spans.clientSpans(3);
			assertThat(server.accepted()).isEqualTo(1);
			List<Double> waits = clientSpans.stream().map((span) -> millis(span, POOL_WAIT)).sorted().toList();
			System.out.printf("h2 max-concurrent-streams=1 (%s), 3 concurrent 300 ms requests: pool waits %s ms%n",
					tls ? "h2" : "h2c", waits);
			// One stream at a time: the second waited for the first's 300 ms, the third for two of them.
			assertThat(waits.get(0)).isLessThan(100);
			assertThat(waits.get(1)).isGreaterThanOrEqualTo(250);
			assertThat(waits.get(2)).isGreaterThanOrEqualTo(550);
			assertThat(clientSpans).allSatisfy((span) -> {
				assertThat(reused(span)).isTrue();
				assertThat(tag(span, HTTP2_STREAMS_IN_FLIGHT)).isEqualTo("0");
			});
		}
	}

	@Test
	void streamsWaitingForAConnectionBeingOpenedShowItAsPoolWait() throws Exception {
		Duration injected = Duration.ofMillis(200);
		ConnectionProvider strict = TracedClient.timed(ConnectionProvider.builder("h2-strict")
			.allocationStrategy(Http2AllocationStrategy.builder().maxConnections(4).strictConnectionReuse(true).build())
			);
		try (DelayedDnsServer dns = new DelayedDnsServer(injected);
				CountingServer server = CountingServer.http2(false);
				TracedClient client = new TracedClient(this.spans.registry(), strict,
						(c) -> http2(false).apply(dns.resolveWithMe(c)))) {
			String url = "http://conntrace.test:" + server.port() + "/";
			// Four at once on a cold pool: one opens the connection (its name takes 200 ms to resolve),
			// three wait for it.
			List<String> bodies = Flux.range(0, 4)
				.flatMap((i) -> client.webClient().get().uri(url).retrieve().bodyToMono(String.class), 4)
				.collectList()
				.block(Duration.ofSeconds(20));
			assertThat(bodies).hasSize(4);
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(dns.queries()).isEqualTo(1);
			List<MutableSpan> clientSpans = this.spans.clientSpans(4);
			List<MutableSpan> opened = clientSpans.stream().filter((span) -> !reused(span)).toList();
			assertThat(opened).hasSize(1);
			assertThat(millis(opened.get(0), DNS)).isGreaterThanOrEqualTo(injected.toMillis());
			assertThat(millis(opened.get(0), POOL_WAIT)).isLessThan(50);
			assertThat(annotations(opened.get(0))).contains("conntrace.dns", "conntrace.connect");
			assertThat(clientSpans.stream().filter(SpanAssertions::reused)).hasSize(3).allSatisfy((span) -> {
				assertThat(tag(span, DNS)).isNull();
				assertThat(annotations(span)).doesNotContain("conntrace.dns", "conntrace.connect");
				// They waited for the connection another request was opening, resolution included.
				assertThat(millis(span, POOL_WAIT)).isGreaterThanOrEqualTo(injected.toMillis());
			});
		}
	}

	@Test
	void streamAttemptsRecordReuseIdleAndTheResponseStart() throws Exception {
		try (CountingServer server = CountingServer.http2(false);
				TracedClient client = new TracedClient(this.spans.registry(), TracedClient.pool("attempts", 5),
						http2(false))) {
			RequestAttempts first = send(client, server.url("/"));
			RequestAttempts second = send(client, server.url("/"));
			// What the stale-connection retry decides on: a stream whose response started is never stale.
			assertThat(first.attempts()).isEqualTo(1);
			assertThat(first.reused()).isFalse();
			assertThat(first.responseStarted()).isTrue();
			assertThat(second.reused()).isTrue();
			assertThat(second.connectionId()).isEqualTo(first.connectionId());
			assertThat(second.responseStarted()).isTrue();
			assertThat(server.accepted()).isEqualTo(1);
		}
	}

	private static RequestAttempts send(TracedClient client, String url) {
		RequestAttempts attempts = new RequestAttempts();
		client.webClient()
			.get()
			.uri(url)
			.retrieve()
			.bodyToMono(String.class)
			.contextWrite(Context.of(RequestAttempts.KEY, attempts))
			.block(Duration.ofSeconds(10));
		return attempts;
	}

	@Test
	void h2cUpgradeIsOneConnectionWhoseFirstRequestRanAsHttp11() throws Exception {
		try (CountingServer server = CountingServer.http2Upgradable();
				TracedClient client = new TracedClient(this.spans.registry(), TracedClient.pool("upgrade", 50),
						(c) -> c.protocol(HttpProtocol.HTTP11, HttpProtocol.H2C))) {
			for (int i = 0; i < 5; i++) {
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
			}
			List<MutableSpan> clientSpans = this.spans.clientSpans(5);
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(newConnections(clientSpans)).isEqualTo(1);
			assertThat(clientSpans.stream().map((span) -> tag(span, CONNECTION_ID)).distinct()).hasSize(1);
			// The upgrade request was sent as HTTP/1.1; every later one is a stream on the same connection.
			assertThat(clientSpans.stream().map((span) -> tag(span, NETWORK_PROTOCOL_VERSION)))
				.containsExactly("1.1", "2", "2", "2", "2");
			assertThat(clientSpans.stream().map((span) -> tag(span, CONNECTION_REQUESTS)))
				.containsExactly("1", "2", "3", "4", "5");
			// The upgrade request's response runs on as stream 1, which conntrace never sees open or close:
			// how many streams were in flight, and so idle times, are unknown on this connection.
			assertThat(clientSpans).allSatisfy((span) -> {
				assertThat(tag(span, HTTP2_STREAMS_IN_FLIGHT)).isNull();
				assertThat(tag(span, CONNECTION_IDLE)).isNull();
			});
		}
	}

	@Test
	void alpnFallbackToHttp11GivesHttp11Facts() throws Exception {
		try (CountingServer server = CountingServer.https();
				TracedClient client = new TracedClient(this.spans.registry(), TracedClient.pool("alpn", 50),
						(c) -> c.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
							.secure((spec) -> spec.sslContext(Http2SslContextSpec.forClient()
								.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE)))))) {
			for (int i = 0; i < 5; i++) {
				assertThat(client.getAndAwaitRelease(server.url("/"))).isEqualTo("ok");
			}
			List<MutableSpan> clientSpans = this.spans.clientSpans(5);
			assertThat(clientSpans).hasSize(5).allSatisfy((span) -> {
				assertThat(tag(span, NETWORK_PROTOCOL_VERSION)).isEqualTo("1.1");
				assertThat(tag(span, HTTP2_STREAMS_IN_FLIGHT)).isNull();
				assertThat(tag(span, TLS_PROTOCOL_VERSION)).isIn("1.2", "1.3");
			});
			assertThat(server.accepted()).isPositive();
			assertThat(newConnections(clientSpans)).isEqualTo(server.accepted());
			assertThat(clientSpans.stream().map((span) -> tag(span, CONNECTION_ID)).distinct()).hasSize(server.accepted());
		}
	}

}
