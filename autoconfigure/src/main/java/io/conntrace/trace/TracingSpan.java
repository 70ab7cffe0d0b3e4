package io.conntrace.trace;

import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;

/**
 * The Micrometer Tracing span behind an observation, written to directly. Not through
 * {@code Observation.event}: a metrics handler turns every observation event into a counter, which
 * would add a meter per phase and a registry lookup per request. Not through high-cardinality key
 * values either: each costs a map node and a copy in the observation before it reaches the span. Loaded
 * only when Micrometer Tracing is on the class path ({@link #AVAILABLE}).
 */
final class TracingSpan {

	static final boolean AVAILABLE = isPresent("io.micrometer.tracing.handler.TracingObservationHandler");

	private TracingSpan() {
	}

	static void event(Observation observation, String name, long wallMillis) {
		Span span = spanOf(observation.getContext());
		if (span != null) {
			span.event(name, wallMillis, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Whether the observation's span records anything. An unsampled span (most of them, with Boot's
	 * default sampling of 10%) drops every attribute, so writing them would only cost the request.
	 */
	static boolean recording(Observation observation) {
		Span span = spanOf(observation.getContext());
		return span == null || !span.isNoop();
	}

	/**
	 * Tag the span with a request's facts.
	 * @return {@code false} if the observation has no tracing span, so the facts went nowhere
	 */
	static boolean tag(Observation.Context context, RequestFacts facts) {
		Span span = spanOf(context);
		if (span == null) {
			return false;
		}
		if (!span.isNoop()) {
			facts.writeTo(span::tag);
		}
		return true;
	}

	private static @Nullable Span spanOf(Observation.Context context) {
		TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
		return (tracing != null) ? tracing.getSpan() : null;
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, TracingSpan.class.getClassLoader());
			return true;
		}
		catch (Throwable ex) {
			return false;
		}
	}

}
