package io.conntrace.benchmarks;

import brave.Tracing;
import brave.sampler.Sampler;
import io.conntrace.metrics.ConnectionMeters;
import io.conntrace.metrics.PoolMeterRegistrar;
import io.conntrace.trace.ConnectionTracing;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.jspecify.annotations.Nullable;

/**
 * What one variant's clients (HTTP and HTTPS) share: its tracer, observation registry and meter
 * registry and, for conntrace, its one {@link ConnectionTracing}, created once because Reactor Netty
 * makes its hooks part of the pool key.
 */
final class VariantResources implements AutoCloseable {

	/** How many servers conntrace's meters tag individually; the benchmark talks to two. */
	static final int MAX_SERVERS = 100;

	private final Variant variant;

	private final ObservationRegistry observations;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final @Nullable Tracing tracing;

	private final @Nullable SpanSink spans;

	private final @Nullable ConnectionTracing connectionTracing;

	private final @Nullable PoolMeterRegistrar poolMeters;

	private VariantResources(Variant variant, float sampling) {
		this.variant = variant;
		if (variant.traced()) {
			this.spans = new SpanSink();
			this.tracing = Tracing.newBuilder()
				.localServiceName("benchmark-" + variant.number())
				.sampler((sampling < 1) ? Sampler.create(sampling) : Sampler.ALWAYS_SAMPLE)
				.addSpanHandler(this.spans)
				.build();
			this.observations = tracedObservations(this.tracing, this.meters);
		}
		else {
			this.spans = null;
			this.tracing = null;
			this.observations = ObservationRegistry.NOOP;
		}
		if (variant == Variant.CONNTRACE) {
			this.connectionTracing = ConnectionTracing.create(new ConnectionMeters(this.meters, MAX_SERVERS), true);
			// As the starter does: the facts reach each span through this filter as its observation stops.
			this.observations.observationConfig().observationFilter(ConnectionTracing.observationFilter());
			this.poolMeters = new PoolMeterRegistrar(this.meters, MAX_SERVERS);
		}
		else {
			this.connectionTracing = null;
			this.poolMeters = null;
		}
		if (variant == Variant.REACTOR_NETTY_METRICS) {
			// Reactor Netty records into Micrometer's global registry, which has no registry of its own and
			// would drop everything; an application's registry is added to it (Boot does so by default).
			Metrics.addRegistry(this.meters);
		}
	}

	static VariantResources create(Variant variant, float sampling) {
		return new VariantResources(variant, sampling);
	}

	/** As Boot wires it: a propagating CLIENT span per request, and observation metrics beside tracing. */
	private static ObservationRegistry tracedObservations(Tracing tracing, SimpleMeterRegistry meters) {
		BraveTracer tracer = new BraveTracer(tracing.tracer(),
				new BraveCurrentTraceContext(tracing.currentTraceContext()), new BraveBaggageManager());
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(tracer, new BravePropagator(tracing)),
					new DefaultTracingObservationHandler(tracer)))
			.observationHandler(new DefaultMeterObservationHandler(meters));
		return registry;
	}

	Variant variant() {
		return this.variant;
	}

	ObservationRegistry observations() {
		return this.observations;
	}

	SimpleMeterRegistry meters() {
		return this.meters;
	}

	@Nullable SpanSink spans() {
		return this.spans;
	}

	@Nullable ConnectionTracing connectionTracing() {
		return this.connectionTracing;
	}

	@Nullable PoolMeterRegistrar poolMeters() {
		return this.poolMeters;
	}

	@Override
	public void close() {
		if (this.variant == Variant.REACTOR_NETTY_METRICS) {
			Metrics.removeRegistry(this.meters);
		}
		if (this.tracing != null) {
			this.tracing.close();
		}
		this.meters.close();
	}

}
