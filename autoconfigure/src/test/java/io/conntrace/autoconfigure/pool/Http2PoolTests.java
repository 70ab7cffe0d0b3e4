package io.conntrace.autoconfigure.pool;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import brave.handler.MutableSpan;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import io.conntrace.testsupport.TracedContext.CapturedSpans;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.HttpProtocol;

import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code conntrace.pool.http2.*} on Boot's WebClient switched to HTTP/2 the way a user does it (one
 * customizer bean), checked against the sockets the h2c server accepted and the waits it injected.
 */
class Http2PoolTests {

	private final ApplicationContextRunner runner = TracedContext.runner()
		.withConfiguration(TracedContext.METRICS)
		.withUserConfiguration(H2c.class);

	@Test
	void byDefaultOneConnectionCarriesABurst() throws Exception {
		try (CountingServer server = CountingServer.http2(false)) {
			this.runner.run((context) -> {
				assertThat(burst(context, server, 8, 100)).hasSize(8);
				// Strict reuse: the other seven waited for the first request's connection instead of opening theirs.
				assertThat(server.accepted()).isEqualTo(1);
				List<MutableSpan> spans = spans(context, 8);
				assertThat(spans).filteredOn((span) -> "false".equals(span.tag("conntrace.connection.reused")))
					.hasSize(1);
				assertThat(spans).allSatisfy((span) -> assertThat(span.tag("network.protocol.version")).isEqualTo("2"));
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				// Connections, not streams: the one socket, counted once across the HTTP/2 pool and its parent.
				double open = meters.find("http.client.open_connections").gauges().stream().mapToDouble(Gauge::value).sum();
				assertThat(open).isEqualTo(1);
				assertThat(meters.find("reactor.netty.connection.provider.active.streams").gauge()).isNotNull();
				assertThat(meters.find("reactor.netty.connection.provider.pending.streams").gauge()).isNotNull();
				// Streams per connection, recorded as the connection closes: one connection, eight streams.
				context.getBean(ConntracePool.class).provider().disposeLater().block(Duration.ofSeconds(10));
				Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == 1);
				Awaitility.await().atMost(Duration.ofSeconds(5))
					.until(() -> meters.find("conntrace.connection.requests").summary() != null
							&& meters.find("conntrace.connection.requests").summary().count() == 1);
				assertThat(meters.get("conntrace.connection.requests").summary().totalAmount()).isEqualTo(8);
			});
		}
	}

	@Test
	void streamsInFlightGaugeCountsOpenStreams() throws Exception {
		try (CountingServer server = CountingServer.http2(false)) {
			this.runner.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				client.get().uri(server.url("/")).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
				Flux.range(0, 3)
					.flatMap((i) -> client.get().uri(server.url("/slow?ms=1500")).retrieve().bodyToMono(String.class))
					.subscribe();
				Gauge active = context.getBean(MeterRegistry.class)
					.get("reactor.netty.connection.provider.active.streams")
					.gauge();
				Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> active.value() == 3);
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> active.value() == 0);
			});
		}
	}

	@Test
	void maxConcurrentStreamsMakesRequestsWaitForAStreamSlot() throws Exception {
		try (CountingServer server = CountingServer.http2(false)) {
			this.runner
				.withPropertyValues("conntrace.pool.max-connections=1", "conntrace.pool.http2.max-concurrent-streams=1")
				.run((context) -> {
					assertThat(burst(context, server, 3, 300)).hasSize(3);
					assertThat(server.accepted()).isEqualTo(1);
					List<Double> waits = spans(context, 3).stream()
						.map((span) -> Double.parseDouble(span.tag("conntrace.pool.wait_ms")))
						.sorted()
						.toList();
					// One stream at a time: the second waited for the first's 300 ms, the third for two.
					assertThat(waits.get(1)).isGreaterThanOrEqualTo(250);
					assertThat(waits.get(2)).isGreaterThanOrEqualTo(550);
				});
		}
	}

	@Test
	void minConnectionsOpensThatManyForABurst() throws Exception {
		try (CountingServer server = CountingServer.http2(false)) {
			this.runner.withPropertyValues("conntrace.pool.http2.min-connections=2").run((context) -> {
				assertThat(burst(context, server, 6, 200)).hasSize(6);
				// Two connections kept for streams, and no more: each had room for the rest.
				assertThat(server.accepted()).isEqualTo(2);
				assertThat(spans(context, 6)).filteredOn((span) -> "false".equals(span.tag("conntrace.connection.reused")))
					.hasSize(2);
			});
		}
	}

	@Test
	void perHostMaxConcurrentStreamsAppliesToThatHostOnly() throws Exception {
		try (CountingServer limited = CountingServer.http2(false); CountingServer other = CountingServer.http2(false)) {
			// A property source, not withPropertyValues, which would split the key at its ':'.
			this.runner.withPropertyValues("conntrace.pool.max-connections=1")
				.withInitializer((context) -> context.getEnvironment()
					.getPropertySources()
					.addFirst(new MapPropertySource("hosts", Map.of("conntrace.pool.hosts.[127.0.0.1:" + limited.port()
							+ "].http2.max-concurrent-streams", "1"))))
				.run((context) -> {
					assertThat(burst(context, limited, 3, 300)).hasSize(3);
					assertThat(burst(context, other, 3, 300)).hasSize(3);
					List<MutableSpan> spans = spans(context, 6);
					// One connection each: on the limited host the streams queued, on the other they ran together.
					assertThat(limited.accepted()).isEqualTo(1);
					assertThat(other.accepted()).isEqualTo(1);
					assertThat(maxWait(spans, limited)).isGreaterThanOrEqualTo(550);
					assertThat(maxWait(spans, other)).isLessThan(250);
				});
		}
	}

	private static double maxWait(List<MutableSpan> spans, CountingServer server) {
		return spans.stream()
			.filter((span) -> span.tag("network.peer.port").equals(Integer.toString(server.port())))
			.mapToDouble((span) -> Double.parseDouble(span.tag("conntrace.pool.wait_ms")))
			.max()
			.orElseThrow();
	}

	private static List<String> burst(AssertableApplicationContext context, CountingServer server, int requests,
			int millis) {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		return Flux.range(0, requests)
			.flatMap((i) -> client.get().uri(server.url("/slow?ms=" + millis)).retrieve().bodyToMono(String.class))
			.collectList()
			.block(Duration.ofSeconds(30));
	}

	private static List<MutableSpan> spans(AssertableApplicationContext context, int expected) {
		CapturedSpans captured = context.getBean(CapturedSpans.class);
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> captured.client().size() >= expected);
		return captured.client();
	}

	/** What a user writes to switch Boot's WebClient to HTTP/2 over cleartext. */
	@Configuration(proxyBeanMethods = false)
	static class H2c {

		@Bean
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> http2() {
			return (builder) -> builder.withHttpClientCustomizer((client) -> client.protocol(HttpProtocol.H2C));
		}

	}

}
