package io.conntrace.trace;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import brave.sampler.Sampler;
import io.conntrace.testsupport.CountingServer;
import io.conntrace.testsupport.SpanCollector;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unsampled request's span records nothing, so conntrace writes nothing on it, while the listener
 * (metrics) still hears every request.
 */
class UnsampledTests {

	@Test
	void unsampledSpanGetsNoAttributesButTheListenerHearsTheRequest() throws Exception {
		List<String> keys = new CopyOnWriteArrayList<>();
		List<Boolean> heard = new CopyOnWriteArrayList<>();
		ConnectionListener listener = new ConnectionListener() {
			@Override
			public void requestBound(String host, int port, boolean reused, long acquireNanos, long poolWaitNanos) {
				heard.add(reused);
			}
		};
		try (SpanCollector spans = new SpanCollector(Sampler.NEVER_SAMPLE, ConnectionTracing.observationFilter());
				CountingServer server = CountingServer.http()) {
			spans.registry().observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
				@Override
				public void onStop(Observation.Context context) {
					if (context.get(RequestFacts.KEY) != null) {
						keys.add("request facts held");
					}
					for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
						keys.add(keyValue.getKey());
					}
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}
			});
			try (TracedClient client = new TracedClient(spans.registry(), TracedClient.pool("unsampled", 2),
					UnaryOperator.identity(), ConnectionTracing.create(listener, true))) {
				assertThat(client.get(server.url("/"))).isEqualTo("ok");
			}
			assertThat(heard).containsExactly(false);
			assertThat(keys).isNotEmpty()
				.noneMatch((key) -> key.startsWith("conntrace.") || key.startsWith("network.")
						|| key.equals("request facts held"));
		}
	}

}
