package io.conntrace.trace;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * Finds the observation a request's facts belong to. Usually the one the caller put into the Reactor
 * context (WebClient does); a proxy whose own call observation is made only after the call is
 * subscribed (Spring Cloud Gateway) names it here instead, through
 * {@link ConnectionTracing#observedBy}, and the surrounding (server) observation gets nothing.
 */
final class RequestObservation {

	static final Class<RequestObservation> KEY = RequestObservation.class;

	private final Supplier<@Nullable Observation> observation;

	/** The observation the context held when the proxy named its own: the one its call replaces. */
	private final @Nullable Observation replaced;

	RequestObservation(Supplier<@Nullable Observation> observation, @Nullable Observation replaced) {
		this.observation = observation;
		this.replaced = replaced;
	}

	/** The request's observation, {@code null} if it has none. */
	static @Nullable Observation of(ContextView context) {
		Observation current = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		RequestObservation named = context.getOrDefault(KEY, null);
		// A client nested further in (a WebClient called from inside the proxied path) has its own observation.
		if (named != null && current == named.replaced) {
			return named.observation.get();
		}
		return current;
	}

}
