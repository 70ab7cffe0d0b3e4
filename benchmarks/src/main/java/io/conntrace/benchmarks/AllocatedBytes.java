package io.conntrace.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by every live thread of the JVM, from HotSpot's per-thread counters. A request's
 * garbage is made on the caller's thread, on the client's and the server's event loops and on
 * whatever thread completes it, so only the sum over all threads is a fair per-request figure. A
 * thread that ends between two snapshots takes its count with it; the benchmark's threads (event
 * loops, the main thread) live for the whole run.
 */
final class AllocatedBytes {

	private static final com.sun.management.ThreadMXBean threads = threads();

	private final long[] ids;

	private final long[] bytes;

	private AllocatedBytes(long[] ids, long[] bytes) {
		this.ids = ids;
		this.bytes = bytes;
	}

	private static com.sun.management.ThreadMXBean threads() {
		if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
				|| !threads.isThreadAllocatedMemorySupported()) {
			throw new IllegalStateException("This JVM does not count allocated bytes per thread");
		}
		threads.setThreadAllocatedMemoryEnabled(true);
		return threads;
	}

	static AllocatedBytes snapshot() {
		long[] ids = threads.getAllThreadIds();
		return new AllocatedBytes(ids, threads.getThreadAllocatedBytes(ids));
	}

	/** Bytes allocated since this snapshot by the threads alive now; threads started since count in full. */
	long since() {
		AllocatedBytes now = snapshot();
		long total = 0;
		for (int i = 0; i < now.ids.length; i++) {
			if (now.bytes[i] > 0) {
				total += now.bytes[i] - Math.max(bytesOf(now.ids[i]), 0);
			}
		}
		return total;
	}

	/** Linear search: a few dozen threads, once per round, after the measured window. */
	private long bytesOf(long id) {
		for (int i = 0; i < this.ids.length; i++) {
			if (this.ids[i] == id) {
				return this.bytes[i];
			}
		}
		return 0;
	}

}
