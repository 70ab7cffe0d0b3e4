package io.conntrace.trace;

/**
 * The moment a request asked the pool for a connection, carried in the request's Reactor context
 * (per request, gone with it). Reactor Netty has no acquire-start callback with a context, so
 * {@code mapConnect} stamps it at subscription.
 */
final class AcquireStart {

	static final Class<AcquireStart> KEY = AcquireStart.class;

	final long nanos;

	AcquireStart(long nanos) {
		this.nanos = nanos;
	}

}
