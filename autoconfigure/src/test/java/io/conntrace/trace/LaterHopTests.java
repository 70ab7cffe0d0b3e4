package io.conntrace.trace;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.SpanCollector;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose hops run on different connections carries the facts of the last one only. Since
 * the attributes reach the span when the observation stops, this is what a later hop replacing the
 * earlier one's facts must give; writing them onto the span at each binding would leave the earlier
 * hop's behind.
 */
class LaterHopTests {

	@Test
	void redirectFromReusedConnectionToNewTlsConnectionCarriesOnlyTheNewConnectionsFacts() throws Exception {
		try (SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());
				CountingServer http = CountingServer.http();
				CountingServer https = CountingServer.https()) {
			List<MutableSpan> sent = reuseThenRedirect(spans, http, https);
			MutableSpan redirected = sent.get(1);
			// Ground truth: the first hop reused the plain connection, the second opened the TLS server's only one.
			assertThat(http.accepted()).isEqualTo(1);
			assertThat(https.accepted()).isEqualTo(1);
			assertThat(redirected.tag("conntrace.connection.reused")).isEqualTo("false");
			assertThat(redirected.tag("conntrace.connection.requests")).isEqualTo("1");
			assertThat(redirected.tag("conntrace.connection.id")).isNotEqualTo(sent.get(0).tag("conntrace.connection.id"));
			assertThat(redirected.tag("network.peer.port")).isEqualTo(Integer.toString(https.port()));
			assertThat(redirected.tag("conntrace.connect_ms")).isNotNull();
			assertThat(redirected.tag("conntrace.tls_ms")).isNotNull();
			assertThat(redirected.tag("tls.protocol.version")).isNotNull();
			// The first hop's reuse facts are gone; a later hop's acquire did not start when the request did.
			assertThat(redirected.tags()).doesNotContainKeys("conntrace.connection.idle_ms", "conntrace.connection.age_ms",
					"conntrace.acquire_ms", "conntrace.pool.wait_ms");
		}
	}

	@Test
	void redirectFromReusedTlsConnectionToNewPlainConnectionLeavesNoTlsFacts() throws Exception {
		try (SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());
				CountingServer http = CountingServer.http();
				CountingServer https = CountingServer.https()) {
			List<MutableSpan> sent = reuseThenRedirect(spans, https, http);
			MutableSpan redirected = sent.get(1);
			assertThat(sent.get(0).tag("tls.cipher")).isNotNull();
			assertThat(https.accepted()).isEqualTo(1);
			assertThat(http.accepted()).isEqualTo(1);
			assertThat(redirected.tag("conntrace.connection.reused")).isEqualTo("false");
			assertThat(redirected.tag("network.peer.port")).isEqualTo(Integer.toString(http.port()));
			assertThat(redirected.tag("conntrace.connect_ms")).isNotNull();
			assertThat(redirected.tags()).doesNotContainKeys("tls.protocol.version", "tls.cipher", "tls.resumed",
					"conntrace.tls_ms", "conntrace.connection.idle_ms", "conntrace.connection.age_ms");
		}
	}

	/** One request to warm a connection to {@code from}, then one sent there and redirected to {@code to}. */
	private static List<MutableSpan> reuseThenRedirect(SpanCollector spans, CountingServer from, CountingServer to) {
		try (TracedClient client = new TracedClient(spans.registry(), TracedClient.pool("hops", 4),
				(httpClient) -> httpClient.followRedirect(true))) {
			assertThat(client.getAndAwaitRelease(from.url("/"))).isEqualTo("ok");
			assertThat(client.get(from.url("/redirect?to=" + to.url("/")))).isEqualTo("ok");
			return spans.clientSpans(2);
		}
	}

	@Test
	void withoutATracingSpanTheFactsBecomeKeyValuesForOtherHandlers() throws Exception {
		Map<String, String> seen = new ConcurrentHashMap<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
			@Override
			public void onStop(Observation.Context context) {
				for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
					seen.put(keyValue.getKey(), keyValue.getValue());
				}
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}
		}).observationFilter(ConnectionTracing.observationFilter());
		try (CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(registry, TracedClient.pool("untraced", 2),
						(httpClient) -> httpClient)) {
			assertThat(client.get(server.url("/"))).isEqualTo("ok");
		}
		assertThat(seen).containsEntry("conntrace.connection.reused", "false")
			.containsEntry("conntrace.connection.requests", "1")
			.containsKeys("conntrace.connection.id", "conntrace.connect_ms", "conntrace.acquire_ms", "network.peer.port");
	}

}
