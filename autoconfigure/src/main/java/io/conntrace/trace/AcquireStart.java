package io.conntrace.trace;

/**
 * The moment a request asked the pool for a connection, carried in the request's Reactor context
 * (per request, gone with it). Reactor Netty has no acquire-start callback with a context, so
 * {@code mapConnect} stamps it at subscription. Redirects and Reactor Netty's own retries run further
 * hops inside the same subscription: only the first hop's acquire started here, so the first binding
 * marks it {@link #bound}, and later hops report their acquire as unknown rather than inflated.
 */
final class AcquireStart {

	static final Class<AcquireStart> KEY = AcquireStart.class;

	final long nanos;

	/** Set by the first hop bound to a connection; written and read on event loops, in hop order. */
	volatile boolean bound;

	AcquireStart(long nanos) {
		this.nanos = nanos;
	}

}
