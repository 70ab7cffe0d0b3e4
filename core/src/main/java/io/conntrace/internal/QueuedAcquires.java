package io.conntrace.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests queued now in every pool that runs conntrace's pending-acquire timer, so that the pool's
 * operations view ({@code io.conntrace.pool}) can say how long the longest has waited, which the timer
 * ({@code io.conntrace.trace}) records. Each entry leaves when its wait ends, however it ends. A pool may
 * queue without limit (a pending-acquire max count of -1), so at most {@link #MAX_LISTED} are listed: while
 * one beyond them waits, the longest wait is unknown rather than understated.
 */
public final class QueuedAcquires {

	/** The most requests listed at once, over every pool of the JVM. */
	public static final int MAX_LISTED = 10_000;

	/** What {@link #longestWaitNanos} returns while a request beyond {@link #MAX_LISTED} waits. */
	public static final long UNKNOWN = -2;

	private static final Set<Entry> QUEUED = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger unlisted = new AtomicInteger();

	private QueuedAcquires() {
	}

	/**
	 * Add a queued request.
	 * @param entry the request's wait
	 * @return whether it is listed; pass it back to {@link #remove}
	 */
	public static boolean add(Entry entry) {
		// Racy by a few entries at most: the bound needs no lock on the queue's path.
		if (QUEUED.size() >= MAX_LISTED) {
			unlisted.incrementAndGet();
			return false;
		}
		QUEUED.add(entry);
		return true;
	}

	/**
	 * Remove a request whose wait ended.
	 * @param entry the request's wait
	 * @param listed what {@link #add} returned for it
	 */
	public static void remove(Entry entry, boolean listed) {
		if (listed) {
			QUEUED.remove(entry);
		}
		else {
			unlisted.decrementAndGet();
		}
	}

	/**
	 * Return how long the longest-queued request to a server has been waiting. Each queued request's
	 * server is found only now, when asked.
	 * @param host the host as requests name it
	 * @param port the remote port
	 * @return nanoseconds, -1 if none is queued, {@link #UNKNOWN} while a request beyond the listed ones waits
	 */
	public static long longestWaitNanos(String host, int port) {
		if (unlisted.get() > 0) {
			return UNKNOWN;
		}
		String server = host + ":" + port;
		long now = System.nanoTime();
		long longest = -1;
		for (Entry entry : QUEUED) {
			if ((longest < 0 || entry.since() < now - longest) && entry.isFor(server)) {
				longest = now - entry.since();
			}
		}
		return longest;
	}

	/** A queued request. */
	public interface Entry {

		/**
		 * Return when the request was queued.
		 * @return {@link System#nanoTime()} then
		 */
		long since();

		/**
		 * Return whether the request is for a server.
		 * @param server {@code host:port}
		 * @return whether it is
		 */
		boolean isFor(String server);

	}

}
