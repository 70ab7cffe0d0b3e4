package io.conntrace.trace;

import org.jspecify.annotations.Nullable;

/**
 * Acquire time and pool wait of one request, in nanoseconds, -1 when unknown (the request's context
 * had no acquire start). Both the span and the listener report these, so they are derived once here.
 */
record RequestTimes(long acquire, long poolWait) {

	private static final RequestTimes UNKNOWN = new RequestTimes(-1, -1);

	static RequestTimes of(ConnectionState state, boolean reused, @Nullable AcquireStart start) {
		long acquired = state.acquired;
		if (start == null || acquired == 0) {
			return UNKNOWN;
		}
		// A pooled connection is handed over as soon as a slot is free: all of its acquire is wait. A new
		// one ends the wait when the pool creates its channel; everything after that is opening it.
		long waitEnd = reused ? acquired : Math.min(Math.max(state.created, start.nanos), acquired);
		return new RequestTimes(acquired - start.nanos, waitEnd - start.nanos);
	}

}
