package io.conntrace.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;

/**
 * A real tracer (Brave through Micrometer Tracing, every request sampled unless a test says otherwise) whose
 * finished spans are kept in memory for assertions. A test passes conntrace's observation filter in: this module
 * depends on no conntrace module, so that every module's tests can take it.
 */
public final class SpanCollector implements AutoCloseable {

	private final ConcurrentLinkedQueue<MutableSpan> spans = new ConcurrentLinkedQueue<>();

	private final Tracing tracing;

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	/** A collector that samples every request, its registry with the given filter (conntrace's, usually). */
	public SpanCollector(ObservationFilter filter) {
		this(Sampler.ALWAYS_SAMPLE, filter);
	}

	/** A collector that samples as the sampler says, its registry with the given filter (conntrace's, usually). */
	public SpanCollector(Sampler sampler, ObservationFilter filter) {
		this(sampler);
		// As conntrace's auto-configuration registers its own: the facts reach the span as it stops.
		this.registry.observationConfig().observationFilter(filter);
	}

	/** A registry as a user might set one up by hand, without conntrace's filter. */
	public static SpanCollector withoutFilter() {
		return new SpanCollector(Sampler.ALWAYS_SAMPLE);
	}

	private SpanCollector(Sampler sampler) {
		this.tracing = Tracing.newBuilder().sampler(sampler).addSpanHandler(new SpanHandler() {
			@Override
			public boolean end(TraceContext context, MutableSpan span, Cause cause) {
				SpanCollector.this.spans.add(span);
				return true;
			}
		}).build();
		BraveTracer tracer = new BraveTracer(this.tracing.tracer(),
				new BraveCurrentTraceContext(this.tracing.currentTraceContext()), new BraveBaggageManager());
		// As Boot does: client requests get a CLIENT span that propagates, anything else a local span.
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(tracer, new BravePropagator(this.tracing)),
					new DefaultTracingObservationHandler(tracer)))
			// And metrics beside tracing, as in an app with actuator.
			.observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	/** The meters the observations recorded, as an app with actuator has them. */
	public SimpleMeterRegistry meters() {
		return this.meters;
	}

	/** The registry a client under test observes its requests with. */
	public ObservationRegistry registry() {
		return this.registry;
	}

	/**
	 * Finished client spans, in the order they finished, once at least {@code expected} have: a span
	 * ends just after its response reached the caller.
	 */
	public List<MutableSpan> clientSpans(int expected) {
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> clientSpans().size() >= expected);
		return clientSpans();
	}

	/** Finished client spans of WebClient requests, in the order they finished. */
	public List<MutableSpan> clientSpans() {
		List<MutableSpan> client = new ArrayList<>();
		for (MutableSpan span : this.spans) {
			if (span.kind() == brave.Span.Kind.CLIENT) {
				client.add(span);
			}
		}
		return client;
	}

	/** Forget the spans finished so far. */
	public void clear() {
		this.spans.clear();
	}

	/** Close the tracer. */
	@Override
	public void close() {
		this.tracing.close();
	}

}
