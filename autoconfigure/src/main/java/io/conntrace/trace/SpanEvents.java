package io.conntrace.trace;

import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;

/**
 * Puts a timestamped event on the tracing span behind an observation. Not through
 * {@code Observation.event}: a metrics handler turns every observation event into a counter, which
 * would add a meter per phase and a registry lookup per request. Loaded only when Micrometer Tracing
 * is on the class path.
 */
final class SpanEvents {

	static final boolean AVAILABLE = isPresent("io.micrometer.tracing.handler.TracingObservationHandler");

	private SpanEvents() {
	}

	static void add(Observation observation, String name, long wallMillis) {
		TracingObservationHandler.TracingContext tracing = observation.getContext()
			.get(TracingObservationHandler.TracingContext.class);
		Span span = (tracing != null) ? tracing.getSpan() : null;
		if (span != null) {
			span.event(name, wallMillis, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Whether the observation's span records anything. An unsampled span (most of them, with Boot's
	 * default sampling of 10%) drops every attribute, so writing them would only cost the request.
	 */
	static boolean recording(Observation observation) {
		TracingObservationHandler.TracingContext tracing = observation.getContext()
			.get(TracingObservationHandler.TracingContext.class);
		Span span = (tracing != null) ? tracing.getSpan() : null;
		return span == null || !span.isNoop();
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, SpanEvents.class.getClassLoader());
			return true;
		}
		catch (Throwable ex) {
			return false;
		}
	}

}
