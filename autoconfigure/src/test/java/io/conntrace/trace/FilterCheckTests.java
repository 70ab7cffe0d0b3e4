package io.conntrace.trace;

import java.util.List;

import brave.handler.MutableSpan;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry without conntrace's filter: the spans lack the attributes, and one WARN says how to fix it.
 */
class FilterCheckTests {

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final Logger logger = (Logger) LoggerFactory.getLogger(ConnectionTracing.class);

	@BeforeEach
	void captureLog() {
		FilterCheck.reset();
		// No waiting in a test: the production patience is a minute.
		FilterCheck.patienceNanos = 0;
		FilterCheck.minRequests = 3;
		this.log.start();
		this.logger.addAppender(this.log);
	}

	@AfterEach
	void restore() {
		FilterCheck.reset();
		this.logger.detachAppender(this.log);
	}

	@Test
	void missingFilterIsReportedOnce() throws Exception {
		try (SpanCollector spans = SpanCollector.withoutConntraceFilter(); CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(spans.registry(), TracedClient.pool("no-filter", 2),
						(httpClient) -> httpClient)) {
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
		assertThat(warnings()).hasSize(1)
			.first()
			.satisfies((message) -> assertThat(message).contains("ObservationFilter never ran")
				.contains("ConnectionTracing.observationFilter()"));
	}

	@Test
	void registeredFilterSilencesTheCheck() throws Exception {
		try (SpanCollector spans = new SpanCollector(); CountingServer server = CountingServer.http();
				TracedClient client = new TracedClient(spans.registry(), TracedClient.pool("filter", 2),
						(httpClient) -> httpClient)) {
			for (int i = 0; i < 5; i++) {
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
			}
			assertThat(spans.clientSpans(5)).allSatisfy(
					(span) -> assertThat(span.tag("conntrace.connection.reused")).isNotNull());
		}
		assertThat(warnings()).isEmpty();
	}

	private List<String> warnings() {
		return this.log.list.stream()
			.filter((event) -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
