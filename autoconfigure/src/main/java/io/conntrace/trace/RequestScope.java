package io.conntrace.trace;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Where a request's own records ({@link AcquireStart}, and in it its {@link RequestAttempts}) are kept: in
 * the map of the request's client observation when it has one (WebClient's, a gateway's call: a sender
 * context describes one outgoing request), else in the Reactor context. An entry added to the Reactor
 * context is paid again by every later context write of the exchange: about 850 bytes a request, measured
 * with Boot's WebClient; a put into the observation's map is one map node.
 */
final class RequestScope {

	private RequestScope() {
	}

	/** The map of the request's own client observation, {@code null} if the context holds none. */
	static Observation.@Nullable Context own(ContextView context) {
		Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
		if (observation == null || observation.isNoop()) {
			return null;
		}
		Observation.Context own = observation.getContext();
		return (own instanceof SenderContext<?>) ? own : null;
	}

	/** Keep a record for the request, returning the context to go on with. */
	static <T> Context put(Context context, Class<T> key, T value) {
		Observation.Context own = own(context);
		if (own != null) {
			own.put(key, value);
			return context;
		}
		return context.put(key, value);
	}

	/** The request's record, from the Reactor context first (a caller's own), else from its observation. */
	static <T> @Nullable T get(ContextView context, Class<T> key) {
		T value = context.getOrDefault(key, null);
		if (value != null) {
			return value;
		}
		Observation.Context own = own(context);
		return (own != null) ? own.get(key) : null;
	}

}
