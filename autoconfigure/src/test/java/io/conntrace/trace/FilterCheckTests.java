package io.conntrace.trace;

import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.LogCapture;
import io.conntrace.testsupport.SpanCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry without conntrace's filter: the spans lack the attributes, and one WARN says how to fix it.
 */
class FilterCheckTests {

	private final LogCapture log = LogCapture.of(ConnectionTracing.class);

	@AfterEach
	void restore() {
		this.log.close();
	}

	@Test
	void missingFilterIsReportedOnce() throws Exception {
		try (SpanCollector spans = SpanCollector.withoutFilter(); CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(spans.registry(), TracedClient.pool("no-filter", 2),
						(httpClient) -> httpClient, impatient())) {
			for (int i = 0; i < 5; i++) {
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
			}
			List<MutableSpan> sent = spans.clientSpans(5);
			// Facts were handed over (the events are written at binding) but never reached the span.
			assertThat(sent).allSatisfy((span) -> {
				assertThat(span.annotations()).anyMatch((event) -> event.getValue().equals("conntrace.acquired"));
				assertThat(span.tags()).doesNotContainKey("conntrace.connection.reused");
			});
		}
		assertThat(this.log.warningMessages()).hasSize(1)
			.first()
			.satisfies((message) -> assertThat(message).contains("ObservationFilter never ran")
				.contains("ConnectionTracing.observationFilter()"));
	}

	@Test
	void registeredFilterSilencesTheCheck() throws Exception {
		try (SpanCollector spans = new SpanCollector(ConnectionTracing.observationFilter());
				CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(spans.registry(), TracedClient.pool("filter", 2),
						(httpClient) -> httpClient, impatient())) {
			for (int i = 0; i < 5; i++) {
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
			}
			assertThat(spans.clientSpans(5)).allSatisfy(
					(span) -> assertThat(span.tag("conntrace.connection.reused")).isNotNull());
		}
		assertThat(this.log.warningMessages()).isEmpty();
	}

	/** No waiting in a test: the production patience is a minute and 100 requests. */
	private static ConnectionTracing impatient() {
		return new ConnectionTracing(ConnectionListener.NONE, true, true, null, new FilterCheck(0, 3));
	}

}
