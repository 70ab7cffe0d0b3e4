package io.conntrace.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests queued now in every pool that runs conntrace's pending-acquire timer, so that the pool's
 * operations view ({@code io.conntrace.pool}) can say how long the longest has waited, which the timer
 * ({@code io.conntrace.trace}) records. Each entry leaves when its wait ends, however it ends.
 */
public final class QueuedAcquires {

	private static final Set<Entry> QUEUED = ConcurrentHashMap.newKeySet();

	private QueuedAcquires() {
	}

	/**
	 * Add a queued request.
	 * @param entry the request's wait
	 */
	public static void add(Entry entry) {
		QUEUED.add(entry);
	}

	/**
	 * Remove a request whose wait ended.
	 * @param entry the request's wait
	 */
	public static void remove(Entry entry) {
		QUEUED.remove(entry);
	}

	/**
	 * Return how long the longest-queued request to a server has been waiting. Each queued request's
	 * server is found only now, when asked.
	 * @param host the host as requests name it
	 * @param port the remote port
	 * @return nanoseconds, -1 if none is queued
	 */
	public static long longestWaitNanos(String host, int port) {
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
