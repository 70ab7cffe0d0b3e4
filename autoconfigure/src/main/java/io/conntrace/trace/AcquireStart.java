package io.conntrace.trace;

import org.jspecify.annotations.Nullable;

/**
 * The moment a request asked the pool for a connection, carried in the request's Reactor context
 * (per request, gone with it), and the acquire and pool-wait times derived from it. Reactor Netty has
 * no acquire-start callback with a context, so {@code mapConnect} stamps it at subscription. Redirects
 * and Reactor Netty's own retries run further hops inside the same subscription: only the first hop's
 * acquire started here, so the first binding marks it {@link #bound}, and later hops report their
 * acquire as unknown rather than inflated. Kept apart from {@link RequestFacts} so that a request whose
 * span records nothing pays for this stamp only.
 */
final class AcquireStart {

	static final Class<AcquireStart> KEY = AcquireStart.class;

	private final long nanos;

	/** Set by the first hop bound to a connection; written and read on event loops, in hop order. */
	private volatile boolean bound;

	AcquireStart(long nanos) {
		this.nanos = nanos;
	}

	/**
	 * The stamp for the hop being bound: {@link #nanos} for the first, 0 (unknown) for any later one.
	 * @param start the request's stamp, {@code null} if it has none (its stamping failed)
	 */
	static long claim(@Nullable AcquireStart start) {
		if (start == null || start.bound) {
			return 0;
		}
		start.bound = true;
		return start.nanos;
	}

	/**
	 * From asking the pool until the connection (HTTP/2: the stream) was ready, -1 if unknown.
	 * @param acquired when the request got it
	 */
	static long acquireNanos(long start, long acquired) {
		return (start != 0 && acquired != 0) ? acquired - start : -1;
	}

	/**
	 * The part of the acquire spent waiting, -1 if unknown. A pooled connection, or a stream on an HTTP/2
	 * connection that was open already or being opened by another request, is handed over as soon as a
	 * slot is free: all of its acquire is wait. A new connection ends the wait when the pool creates its
	 * channel; everything after that is opening it.
	 */
	static long poolWaitNanos(long start, ConnectionState state, boolean reused, long acquired) {
		if (start == 0 || acquired == 0) {
			return -1;
		}
		long waitEnd = reused ? acquired : Math.min(Math.max(state.created, start), acquired);
		return waitEnd - start;
	}

}
