package io.conntrace.trace;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.DelayedDnsServer;
import io.conntrace.testsupport.DelayingProxy;
import io.conntrace.testsupport.SpanCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.resources.ConnectionProvider;

import static io.conntrace.testsupport.SpanAssertions.annotations;
import static io.conntrace.testsupport.SpanAssertions.millis;
import static io.conntrace.testsupport.SpanAssertions.reused;
import static io.conntrace.testsupport.SpanAssertions.tag;
import static io.conntrace.trace.ConnectionSpanAttributes.ACQUIRE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECT;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_AGE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_ID;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_IDLE;
import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_REQUESTS;
import static io.conntrace.trace.ConnectionSpanAttributes.DNS;
import static io.conntrace.trace.ConnectionSpanAttributes.POOL_WAIT;
import static io.conntrace.trace.ConnectionSpanAttributes.SETUP;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each phase conntrace reports is checked against a delay the test itself injected on the real path:
 * a pause between requests, a slow DNS answer, a held ServerHello, a busy single-connection pool.
 */
class ConnectionPhasesGroundTruthTests {

	private static final Duration INJECTED = Duration.ofMillis(200);

	private final SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());

	@AfterEach
	void close() {
		this.spans.close();
	}

	@Test
	void reusedConnectionReportsIdleTimeOfThePauseAndNoOpeningPhases() throws Exception {
		long pauseMillis = 300;
		try (CountingServer server = CountingServer.https(); TracedClient client = new TracedClient(this.spans.registry())) {
			client.get(server.url("/"));
			// The pause is the quantity under measurement, not synchronisation.
			Thread.sleep(pauseMillis);
			client.get(server.url("/"));
			List<MutableSpan> clientSpans = this.spans.clientSpans(2);
			assertThat(server.accepted()).isEqualTo(1);
			MutableSpan second = clientSpans.get(1);
			assertThat(reused(second)).isTrue();
			assertThat(tag(second, CONNECTION_REQUESTS)).isEqualTo("2");
			assertThat(tag(second, CONNECTION_ID)).isEqualTo(tag(clientSpans.get(0), CONNECTION_ID));
			assertThat(tag(second, DNS)).isNull();
			assertThat(tag(second, CONNECT)).isNull();
			assertThat(tag(second, TLS)).isNull();
			assertThat(annotations(second)).containsExactly("conntrace.acquired");
			double idle = millis(second, CONNECTION_IDLE);
			assertThat(idle).isCloseTo(pauseMillis, within(Math.max(0.2 * pauseMillis, 15)));
			assertThat(millis(second, CONNECTION_AGE)).isGreaterThanOrEqualTo(idle);
			// Nothing queued: the acquire was the pool handing the connection over.
			assertThat(millis(second, POOL_WAIT)).isZero();
			assertThat(millis(second, SETUP)).isEqualTo(millis(second, ACQUIRE));
		}
	}

	@Test
	void slowDnsAnswerShowsAsDnsTimeOnTheFirstRequestOnly() throws Exception {
		try (DelayedDnsServer dns = new DelayedDnsServer(INJECTED);
				CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(this.spans.registry(), TracedClient.pool("dns", 5),
						dns::resolveWithMe)) {
			String url = "http://conntrace.test:" + server.port() + "/";
			client.getAndAwaitRelease(url);
			client.get(url);
			assertThat(dns.queries()).isEqualTo(1);
			assertThat(server.accepted()).isEqualTo(1);
			List<MutableSpan> clientSpans = this.spans.clientSpans(2);
			MutableSpan first = clientSpans.get(0);
			assertThat(reused(first)).isFalse();
			assertThat(millis(first, DNS)).isGreaterThanOrEqualTo(INJECTED.toMillis());
			assertThat(millis(first, CONNECT)).isLessThan(INJECTED.toMillis());
			assertThat(millis(first, ACQUIRE)).isGreaterThanOrEqualTo(millis(first, DNS));
			assertThat(millis(first, POOL_WAIT)).isLessThan(50);
			assertThat(annotations(first)).contains("conntrace.dns");
			MutableSpan second = clientSpans.get(1);
			assertThat(reused(second)).isTrue();
			assertThat(tag(second, DNS)).isNull();
		}
	}

	@Test
	void heldServerHelloShowsAsTlsTimeWhileConnectStaysSmall() throws Exception {
		try (CountingServer server = CountingServer.https();
				DelayingProxy proxy = new DelayingProxy(server.port(), INJECTED);
				TracedClient client = new TracedClient(this.spans.registry())) {
			// Warm the client's code path on a direct connection: the first request of a cold JVM spends
			// tens of ms loading classes before the pool opens anything, and that is not what is measured.
			client.getAndAwaitRelease(server.url("/"));
			this.spans.clear();
			client.get("https://127.0.0.1:" + proxy.port() + "/");
			MutableSpan span = this.spans.clientSpans(1).get(0);
			assertThat(server.accepted()).isEqualTo(2);
			assertThat(reused(span)).isFalse();
			assertThat(millis(span, TLS)).isGreaterThanOrEqualTo(INJECTED.toMillis());
			assertThat(millis(span, CONNECT)).isLessThan(50);
			// Nothing queued: no pool wait. The parts add up to the acquire (each is rounded to a microsecond).
			assertThat(millis(span, POOL_WAIT)).isLessThan(2);
			assertThat(millis(span, POOL_WAIT) + millis(span, SETUP) + millis(span, CONNECT) + millis(span, TLS))
				.isCloseTo(millis(span, ACQUIRE), within(0.01));
		}
	}

	@Test
	void secondRequestOnAOneConnectionPoolWaitsForTheFirst() throws Exception {
		long serverMillis = 300;
		ConnectionProvider single = TracedClient.timed(ConnectionProvider.builder("single").maxConnections(1));
		try (CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(this.spans.registry(), single, UnaryOperator.identity())) {
			client.getAndAwaitRelease(server.url("/")); // warm the one connection, so both timed requests reuse it
			this.spans.clear();
			List<String> bodies = Flux.range(0, 2)
				.flatMap((i) -> client.webClient()
					.get()
					.uri(server.url("/slow?ms=" + serverMillis))
					.retrieve()
					.bodyToMono(String.class))
				.collectList()
				.block(Duration.ofSeconds(20));
			assertThat(bodies).containsExactly("slow", "slow");
			assertThat(server.accepted()).isEqualTo(1);
			List<MutableSpan> timed = this.spans.clientSpans(2)
				.stream()
				.sorted(Comparator.comparing((span) -> Integer.parseInt(tag(span, CONNECTION_REQUESTS))))
				.toList();
			MutableSpan first = timed.get(0);
			MutableSpan second = timed.get(1);
			double firstServerMillis = (first.finishTimestamp() - first.startTimestamp()) / 1000.0;
			assertThat(millis(first, POOL_WAIT)).isLessThan(20);
			assertThat(millis(second, POOL_WAIT)).isGreaterThanOrEqualTo(serverMillis * 0.9)
				.isCloseTo(firstServerMillis, within(Math.max(0.2 * firstServerMillis, 15)));
		}
	}

}
