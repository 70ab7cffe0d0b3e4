package io.conntrace.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;

import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.TracedContext;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * conntrace's meters in a real context with Boot's metrics, against the test servers' own counts.
 */
class ConnectionMetricsTests {

	private final ApplicationContextRunner runner = TracedContext.runner().withConfiguration(TracedContext.METRICS);

	@Test
	void requestCountsMatchTheServersAcceptedConnections() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				WebClient client = client(context);
				for (int i = 0; i < 10; i++) {
					get(client, server.url("/"));
				}
				burst(client, server.url("/slow?ms=50"), 12, 6);
				MeterRegistry registry = registry(context);
				String port = Integer.toString(server.port());
				double fresh = registry.get("conntrace.requests")
					.tags("reused", "false", "server.address", "127.0.0.1", "server.port", port)
					.counter()
					.count();
				double reused = registry.get("conntrace.requests").tags("reused", "true").counter().count();
				System.out.printf("metrics ground truth: requests=22 conntrace.requests{reused=false}=%.0f"
						+ " {reused=true}=%.0f accepted=%d%n", fresh, reused, server.accepted());
				assertThat(fresh).isEqualTo(server.accepted());
				assertThat(fresh + reused).isEqualTo(22);
				assertThat(registry.get("conntrace.acquire").timers().stream().mapToLong(Timer::count).sum())
					.isEqualTo(22);
				// Never a tag on Spring's own request timer.
				assertThat(registry.get("http.client.requests").timers()).isNotEmpty()
					.allSatisfy((timer) -> assertThat(timer.getId().getTags())
						.noneMatch((tag) -> tag.getKey().equals("reused") || tag.getKey().startsWith("server.")
								|| tag.getKey().startsWith("conntrace")));
			});
		}
	}

	@Test
	void idleConnectionIsEvictedAfterMaxIdleTimeAndCountedSo() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.pool.max-idle-time=300ms", "conntrace.pool.evict-in-background=50ms")
				.run((context) -> {
					WebClient client = client(context);
					get(client, server.url("/"));
					long lastResponse = System.nanoTime();
					Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.closed() == 1);
					assertThat(Duration.ofNanos(System.nanoTime() - lastResponse)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
					MeterRegistry registry = registry(context);
					Awaitility.await()
						.atMost(Duration.ofSeconds(5))
						.until(() -> registry.find("http.client.connection.duration").tag("reason", "idle-evicted").timer() != null);
					Timer lifetime = registry.get("http.client.connection.duration").tag("reason", "idle-evicted").timer();
					assertThat(lifetime.count()).isEqualTo(1);
					assertThat(lifetime.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
					DistributionSummary carried = registry.get("conntrace.connection.requests")
						.tag("reason", "idle-evicted")
						.summary();
					assertThat(carried.totalAmount()).isEqualTo(1);
				});
		}
	}

	@Test
	void saturatedPoolShowsPendingWhileSaturated() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.pool.max-connections=1").run((context) -> {
				WebClient client = client(context);
				get(client, server.url("/")); // the pool for this address exists, so its gauges do
				MeterRegistry registry = registry(context);
				Disposable burst = Flux.range(0, 5)
					.flatMap((i) -> client.get().uri(server.url("/slow?ms=300")).retrieve().bodyToMono(String.class))
					.subscribe();
				try {
					Awaitility.await()
						.atMost(Duration.ofSeconds(5))
						.until(() -> gauge(registry, "reactor.netty.connection.provider.pending.connections") > 0);
					assertThat(gauge(registry, "reactor.netty.connection.provider.active.connections")).isEqualTo(1);
					assertThat(registry.get("http.client.open_connections")
						.tag("http.connection.state", "active")
						.gauge()
						.value()).isEqualTo(1);
					assertThat(gauge(registry, "reactor.netty.connection.provider.max.connections")).isEqualTo(1);
				}
				finally {
					Awaitility.await()
						.atMost(Duration.ofSeconds(10))
						.until(() -> gauge(registry, "reactor.netty.connection.provider.pending.connections") == 0
								&& gauge(registry, "reactor.netty.connection.provider.active.connections") == 0);
					burst.dispose();
				}
				assertThat(server.accepted()).isEqualTo(1);
				assertThat(registry.get("conntrace.pool.wait")
					.tag("server.port", Integer.toString(server.port()))
					.timer()
					.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(250);
				assertThat(registry.find("conntrace.pool.wait").tag("server.port", "_other").timer()).isNull();
			});
		}
	}

	@Test
	void serverTagValuesAreCapped() throws Exception {
		try (CountingServer first = CountingServer.http(); CountingServer second = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.metrics.max-servers=1").run((context) -> {
				WebClient client = client(context);
				get(client, first.url("/"));
				get(client, second.url("/"));
				MeterRegistry registry = registry(context);
				List<String> ports = registry.get("conntrace.requests")
					.counters()
					.stream()
					.map((counter) -> counter.getId().getTag("server.port"))
					.distinct()
					.toList();
				assertThat(ports).containsExactlyInAnyOrder(Integer.toString(first.port()), "_other");
				// Pool gauges for the first server only: one pool beyond the cap, no gauges for it.
				assertThat(registry.get("reactor.netty.connection.provider.total.connections").gauges()).singleElement()
					.satisfies((gauge) -> assertThat(gauge.getId().getTag("remote.address")).isEqualTo("127.0.0.1"));
			});
		}
	}

	@Test
	void resolvedNameIsTimed() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.run((context) -> {
				get(client(context), server.url("/").replace("127.0.0.1", "localhost"));
				assertThat(registry(context).get("dns.lookup.duration").tag("server.address", "localhost").timer().count())
					.isEqualTo(1);
			});
		}
	}

	@Test
	void metricsCanBeTurnedOffAlone() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.metrics.enabled=false").run((context) -> {
				get(client(context), server.url("/"));
				assertThat(registry(context).getMeters()).extracting(Meter::getId)
					.noneMatch((id) -> id.getName().startsWith("conntrace") || id.getName().startsWith("reactor.netty"));
				// Tracing stays on.
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.until(() -> !context.getBean(TracedContext.CapturedSpans.class).client().isEmpty());
				assertThat(context.getBean(TracedContext.CapturedSpans.class).client().get(0).tags())
					.containsKey("conntrace.connection.reused");
			});
		}
	}

	@Test
	void traceCanBeTurnedOffAlone() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			this.runner.withPropertyValues("conntrace.trace.enabled=false").run((context) -> {
				get(client(context), server.url("/"));
				assertThat(registry(context).get("conntrace.requests").counters()).isNotEmpty();
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.until(() -> !context.getBean(TracedContext.CapturedSpans.class).client().isEmpty());
				assertThat(context.getBean(TracedContext.CapturedSpans.class).client().get(0).tags().keySet())
					.noneMatch((key) -> key.startsWith("conntrace."));
				// Not just missing attributes: the observer wrote nothing, not even the phase events.
				assertThat(context.getBean(TracedContext.CapturedSpans.class).client().get(0).annotations())
					.noneMatch((annotation) -> annotation.getValue().startsWith("conntrace."));
			});
		}
	}

	private static double gauge(MeterRegistry registry, String name) {
		return registry.get(name).gauges().stream().mapToDouble((gauge) -> gauge.value()).sum();
	}

	private static WebClient client(AssertableApplicationContext context) {
		return context.getBean(WebClient.Builder.class).build();
	}

	private static MeterRegistry registry(AssertableApplicationContext context) {
		return context.getBean(MeterRegistry.class);
	}

	private static String get(WebClient client, String url) {
		return client.get().uri(url).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

	private static void burst(WebClient client, String url, int requests, int concurrency) {
		Flux.range(0, requests)
			.flatMap((i) -> client.get().uri(url).retrieve().bodyToMono(String.class), concurrency)
			.blockLast(Duration.ofSeconds(20));
	}

}
