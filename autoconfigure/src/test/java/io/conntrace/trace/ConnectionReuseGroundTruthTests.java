package io.conntrace.trace;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.SpanAssertions;
import io.conntrace.testsupport.SpanCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

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
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PEER_ADDRESS;
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PEER_PORT;
import static io.conntrace.trace.ConnectionSpanAttributes.POOL_WAIT;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_CIPHER;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_PROTOCOL_VERSION;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_RESUMED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ground truth for reuse: the number of spans saying {@code reused=false} must equal the number of
 * connections the server itself accepted, whatever mix of sequential and concurrent requests ran.
 */
class ConnectionReuseGroundTruthTests {

	private final SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());

	@AfterEach
	void close() {
		this.spans.close();
	}

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void newConnectionCountEqualsAcceptedConnectionsSequential(boolean tls) throws Exception {
		try (CountingServer server = tls ? CountingServer.https() : CountingServer.http();
				TracedClient client = new TracedClient(this.spans.registry())) {
			for (int i = 0; i < 20; i++) {
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
			}
			List<MutableSpan> clientSpans = this.spans.clientSpans(20);
			assertThat(clientSpans).hasSize(20);
			report((tls ? "https" : "http") + " sequential", server, clientSpans);
			assertThat(server.accepted()).isPositive();
			assertThat(newConnections(clientSpans)).isEqualTo(server.accepted());
			assertDistinctNewConnections(clientSpans);
		}
	}

	@ParameterizedTest(name = "tls={0}")
	@ValueSource(booleans = { false, true })
	void newConnectionCountEqualsAcceptedConnectionsConcurrent(boolean tls) throws Exception {
		try (CountingServer server = tls ? CountingServer.https() : CountingServer.http();
				TracedClient client = new TracedClient(this.spans.registry())) {
			List<String> bodies = Flux.range(0, 50)
				.flatMap((i) -> client.webClient().get().uri(server.url("/slow?ms=" + (i % 5) * 3))
					.retrieve()
					.bodyToMono(String.class), 8)
				.collectList()
				.block(Duration.ofSeconds(60));
			assertThat(bodies).hasSize(50);
			List<MutableSpan> clientSpans = this.spans.clientSpans(50);
			assertThat(clientSpans).hasSize(50);
			report((tls ? "https" : "http") + " 50 at concurrency 8", server, clientSpans);
			assertThat(server.accepted()).isBetween(2, 50);
			assertThat(newConnections(clientSpans)).isEqualTo(server.accepted());
			assertDistinctNewConnections(clientSpans);
			assertThat(clientSpans.stream().filter(SpanAssertions::reused)).isNotEmpty();
		}
	}

	@Test
	void newTlsConnectionCarriesOpeningPhasesAndTlsFacts() throws Exception {
		try (CountingServer server = CountingServer.https(); TracedClient client = new TracedClient(this.spans.registry())) {
			client.get(server.url("/"));
			MutableSpan span = this.spans.clientSpans(1).get(0);
			assertThat(reused(span)).isFalse();
			assertThat(tag(span, CONNECTION_REQUESTS)).isEqualTo("1");
			assertThat(tag(span, CONNECTION_ID)).isNotBlank();
			assertThat(millis(span, CONNECT)).isGreaterThanOrEqualTo(0);
			assertThat(millis(span, TLS)).isGreaterThan(0);
			// 127.0.0.1 is an address, not a name: nothing was resolved, so there is no DNS time.
			assertThat(tag(span, DNS)).isNull();
			assertThat(millis(span, ACQUIRE)).isGreaterThanOrEqualTo(millis(span, CONNECT) + millis(span, TLS) - 0.002);
			assertThat(millis(span, POOL_WAIT)).isGreaterThanOrEqualTo(0);
			assertThat(tag(span, NETWORK_PEER_ADDRESS)).isEqualTo("127.0.0.1");
			assertThat(tag(span, NETWORK_PEER_PORT)).isEqualTo(Integer.toString(server.port()));
			assertThat(tag(span, TLS_PROTOCOL_VERSION)).isIn("1.2", "1.3");
			assertThat(tag(span, TLS_CIPHER)).startsWith("TLS_");
			assertThat(tag(span, TLS_RESUMED)).isEqualTo("false");
			assertThat(tag(span, CONNECTION_IDLE)).isNull();
			assertThat(tag(span, CONNECTION_AGE)).isNull();
			assertThat(annotations(span)).contains("conntrace.connect", "conntrace.tls", "conntrace.acquired");
			// Span only: the request timer has no conntrace tag and no conntrace meter appeared beside it.
			assertThat(this.spans.meters().getMeters()).isNotEmpty()
				.allSatisfy((meter) -> assertThat(meter.getId().getName()).doesNotContain("conntrace"))
				.allSatisfy((meter) -> assertThat(meter.getId().getTags())
					.noneMatch((tag) -> tag.getKey().startsWith("conntrace") || tag.getKey().startsWith("network.")));
			assertThat(span.tags().keySet()).allMatch((key) -> !key.contains("?"));
			// Brave keeps text: numbers as digits, durations with three fraction digits, booleans as words.
			assertThat(tag(span, ACQUIRE)).matches("\\d+\\.\\d{3}");
			assertThat(tag(span, NETWORK_PEER_PORT)).matches("\\d+");
			assertThat(tag(span, CONNECTION_REQUESTS)).isEqualTo("1");
			assertThat(tag(span, TLS_RESUMED)).isIn("true", "false");
		}
	}

	/** Prints the figures the README and the closing notes quote. */
	private static void report(String scenario, CountingServer server, List<MutableSpan> clientSpans) {
		System.out.printf("ground truth %s: requests=%d accepted=%d reused=false spans=%d%n", scenario,
				clientSpans.size(), server.accepted(), newConnections(clientSpans));
	}

	private static void assertDistinctNewConnections(List<MutableSpan> clientSpans) {
		List<String> firstRequestIds = clientSpans.stream()
			.filter((span) -> "1".equals(tag(span, CONNECTION_REQUESTS)))
			.map((span) -> tag(span, CONNECTION_ID))
			.toList();
		Set<String> distinct = firstRequestIds.stream().collect(Collectors.toSet());
		assertThat(distinct).hasSameSizeAs(firstRequestIds);
		assertThat(firstRequestIds).hasSize((int) newConnections(clientSpans));
	}

}
