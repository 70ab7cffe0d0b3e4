package io.conntrace.trace;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.conntrace.keepalive.TcpKeepAlive;
import io.conntrace.metrics.ConnectionMeters;
import io.conntrace.metrics.PoolMeterRegistrar;
import io.conntrace.pool.CompositeRegistrar;
import io.conntrace.pool.PoolActivity;
import io.conntrace.pool.ServerActivity;
import io.conntrace.testsupport.CountingServer;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The example of docs/reactor-netty.md, as written there, on a class path without Spring: a plain
 * {@code HttpClient}, Micrometer's {@code ObservationRegistry}, no tracer. Ground truth is the server's count of
 * accepted sockets and a pause of known length.
 */
class ConnectionTracingWithoutSpringTests {

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	@Test
	void noSpringOnThisClassPath() {
		assertThatExceptionOfType(ClassNotFoundException.class)
			.isThrownBy(() -> Class.forName("org.springframework.core.SpringVersion"));
	}

	@Test
	void theDocumentedClientTellsTheTruthOfEachConnection() throws Exception {
		// As docs/reactor-netty.md has it, with a handler that keeps the contexts instead of printing them.
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationFilter(ConnectionTracing.observationFilter());
		observations.observationConfig().observationHandler(new Recorder());
		MeterRegistry meters = new SimpleMeterRegistry();
		PoolActivity activity = new PoolActivity(100);
		ConnectionProvider.MeterRegistrar registrar = CompositeRegistrar
			.of(List.of(new PoolMeterRegistrar(meters, 100), activity));
		TcpKeepAlive keepAlive = TcpKeepAlive.of(true, Duration.ofSeconds(60), Duration.ofSeconds(10), 3);
		ConnectionProvider pool = ConnectionTracing.waitsTimed(ConnectionProvider.builder("api")
			.maxConnections(50)
			.evictionPredicate(ConnectionEviction.of(Duration.ofSeconds(20), Duration.ofMinutes(5)))
			.pendingAcquireTimer(ConnectionTracing.pendingAcquireTimer())
			.metrics(true, () -> registrar)
			.build());
		ConnectionTracing tracing = ConnectionTracing.create(
				ConnectionListener.of(List.of(new ConnectionMeters(meters, 100), activity)), true, true,
				keepAlive.probes());
		HttpClient client = tracing.apply(keepAlive.applySocketOption(HttpClient.create(pool)));
		// Release is asynchronous: the test waits for it, so that each request can find the connection idle.
		AtomicInteger released = new AtomicInteger();
		HttpClient observed = client.observe((connection, state) -> {
			if (state == ConnectionObserver.State.RELEASED) {
				released.incrementAndGet();
			}
		});
		try (CountingServer server = CountingServer.http()) {
			String url = server.url("/");
			for (int i = 0; i < 5; i++) {
				assertThat(get(observed, observations, url)).isEqualTo("ok");
				int done = i + 1;
				Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> released.get() >= done);
			}
			// The pause is the ground truth of the idle time.
			Thread.sleep(300);
			assertThat(get(observed, observations, url)).isEqualTo("ok");
			assertThat(server.accepted()).as("sockets the server accepted").isEqualTo(1);
			ServerActivity target = activity.server("127.0.0.1", server.port());
			assertThat(target).isNotNull();
			assertThat(target.connections()).hasSize(1);
			assertThat(target.connectionPools()).isNotEmpty();
			assertThat(gauges(meters)).isNotEmpty();
		}
		finally {
			pool.disposeLater().block(Duration.ofSeconds(10));
		}
		assertThat(gauges(meters)).as("the pool's gauges once it is disposed").isEmpty();
		assertThat(this.stopped).hasSize(6);
		Map<String, String> first = facts(this.stopped.get(0));
		assertThat(first).containsEntry("conntrace.connection.reused", "false")
			.containsKey("conntrace.connect_ms")
			.doesNotContainKey("conntrace.connection.idle_ms");
		for (Observation.Context context : this.stopped.subList(1, 6)) {
			assertThat(facts(context)).containsEntry("conntrace.connection.reused", "true")
				.containsEntry("conntrace.connection.id", first.get("conntrace.connection.id"))
				.doesNotContainKey("conntrace.connect_ms");
		}
		double idleAfterPause = Double.parseDouble(facts(this.stopped.get(5)).get("conntrace.connection.idle_ms"));
		assertThat(idleAfterPause).isBetween(300.0, 5_000.0);
		assertThat(meters.get("conntrace.requests").tag("reused", "true").counter().count()).isEqualTo(5.0);
		assertThat(meters.get("conntrace.requests").tag("reused", "false").counter().count()).isEqualTo(1.0);
	}

	private static List<Meter> gauges(MeterRegistry meters) {
		return meters.getMeters().stream().filter(Gauge.class::isInstance).toList();
	}

	private static String get(HttpClient client, ObservationRegistry observations, String url) {
		Observation observation = Observation.start("orders.request", observations);
		return client.get()
			.uri(url)
			.responseContent()
			.aggregate()
			.asString()
			.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, observation))
			.doFinally((signal) -> observation.stop())
			.block(Duration.ofSeconds(10));
	}

	private static Map<String, String> facts(Observation.Context context) {
		return context.getAllKeyValues()
			.stream()
			.filter((keyValue) -> keyValue.getKey().startsWith("conntrace."))
			.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
	}

	/** Keeps each stopped context, where the documented handler prints its key values. */
	private final class Recorder implements ObservationHandler<Observation.Context> {

		@Override
		public void onStop(Observation.Context context) {
			ConnectionTracingWithoutSpringTests.this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
