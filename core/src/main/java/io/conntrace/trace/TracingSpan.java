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
	 * The writer onto the observation's tracing span: typed where the tracer keeps types, nothing for a
	 * span that records nothing.
	 * @return the writer, {@code null} if the observation has no tracing span
	 */
	static @Nullable FactWriter writer(Observation.Context context) {
		Span span = spanOf(context);
		if (span == null) {
			return null;
		}
		return span.isNoop() ? FactWriter.NONE : TypedSpanWriter.of(span);
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
