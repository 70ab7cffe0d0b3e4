package io.conntrace.trace;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.conntrace.testsupport.CountingServer;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A proxy names its call's observation with {@link ConnectionTracing#observedBy}: the facts go there, and
 * none to the observation around it that the Reactor context holds (a gateway's server span).
 */
class ObservedByTests {

	private final Map<String, Map<String, String>> stopped = new ConcurrentHashMap<>();

	private final ObservationRegistry registry = ObservationRegistry.create();

	ObservedByTests() {
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public void onStop(Observation.Context context) {
				Map<String, String> values = new ConcurrentHashMap<>();
				for (KeyValue value : context.getHighCardinalityKeyValues()) {
					values.put(value.getKey(), value.getValue());
				}
				ObservedByTests.this.stopped.put(context.getName(), values);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}
		}).observationFilter(ConnectionTracing.observationFilter());
	}

	@Test
	void theNamedObservationGetsTheFactsAndTheOneAroundItNone() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			Observation call = Observation.start("call", this.registry);
			send(server, () -> call);
			call.stop();
			assertThat(server.accepted()).isEqualTo(1);
			assertThat(this.stopped.get("call")).containsEntry("conntrace.connection.reused", "false")
				.containsKey("conntrace.connect_ms");
			assertThat(this.stopped.get("outer").keySet()).noneMatch((key) -> key.startsWith("conntrace."));
		}
	}

	@Test
	void noObservationNamedMeansNoFactsOnAnyObservation() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			send(server, () -> null);
			assertThat(server.requests()).isEqualTo(1);
			assertThat(this.stopped.get("outer").keySet()).noneMatch((key) -> key.startsWith("conntrace."));
		}
	}

	@Test
	void aClientNestedWithAnObservationOfItsOwnKeepsIt() throws Exception {
		try (CountingServer server = CountingServer.http()) {
			Observation call = Observation.start("call", this.registry);
			Observation nested = Observation.start("nested", this.registry);
			send(server, () -> call, nested);
			nested.stop();
			call.stop();
			assertThat(this.stopped.get("nested")).containsEntry("conntrace.connection.reused", "false");
			assertThat(this.stopped.get("call").keySet()).noneMatch((key) -> key.startsWith("conntrace."));
		}
	}

	private void send(CountingServer server, java.util.function.Supplier<Observation> call) {
		send(server, call, null);
	}

	/** Sends one request with the proxy's named call and, if given, a client's own observation nested inside. */
	private void send(CountingServer server, java.util.function.Supplier<Observation> call, Observation nested) {
		ConnectionProvider pool = TracedClient.pool("observed-by", 2);
		Observation outer = Observation.start("outer", this.registry);
		try {
			String body = ConnectionTracing.instrument(HttpClient.create(pool))
				.get()
				.uri(server.url("/"))
				.responseContent()
				.aggregate()
				.asString()
				.contextWrite((context) -> (nested != null) ? context.put(ObservationThreadLocalAccessor.KEY, nested)
						: context)
				.contextWrite((context) -> ConnectionTracing.observedBy(context, call))
				.contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, outer))
				.block(Duration.ofSeconds(10));
			assertThat(body).isEqualTo("ok");
		}
		finally {
			outer.stop();
			pool.disposeLater().block(Duration.ofSeconds(10));
		}
	}

}
