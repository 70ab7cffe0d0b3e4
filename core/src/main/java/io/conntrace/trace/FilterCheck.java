package io.conntrace.trace;

import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Notices when request facts are handed to observations whose registry lacks
 * {@link ConnectionTracing#observationFilter()}: the spans then get conntrace's events but none of its
 * attributes, and nothing else would say so. Micrometer offers no way to ask a registry for its
 * filters, so the check waits: once facts have been handed over for a while and to enough requests
 * without the filter ever running, one WARN names the fix. After the filter has run once, the check
 * costs a volatile read per request.
 */
final class FilterCheck {

	private static final Logger logger = Loggers.getLogger(ConnectionTracing.class);

	/** Long enough that no request in flight since the first hand-over can explain the silence. */
	private static final long PATIENCE_NANOS = 60_000_000_000L;

	private static final int MIN_REQUESTS = 100;

	private final long patienceNanos;

	private final int minRequests;

	private volatile boolean filterRan;

	private volatile boolean warned;

	// Racy on purpose: a heuristic needs no exact count, and the hot path must not contend.
	private int handedOver;

	private long firstHandedOver;

	/**
	 * @param patienceNanos how long facts must have been handed over without the filter running
	 * @param minRequests to how many requests at least
	 */
	FilterCheck(long patienceNanos, int minRequests) {
		this.patienceNanos = patienceNanos;
		this.minRequests = minRequests;
	}

	/** The check every {@link ConnectionTracing} runs: a minute and 100 requests. */
	static FilterCheck standard() {
		return new FilterCheck(PATIENCE_NANOS, MIN_REQUESTS);
	}

	void filterRan() {
		if (!this.filterRan) {
			this.filterRan = true;
		}
	}

	void handedOver() {
		if (this.filterRan || this.warned) {
			return;
		}
		long now = System.nanoTime();
		if (this.handedOver++ == 0) {
			this.firstHandedOver = now;
		}
		if (this.handedOver >= this.minRequests && now - this.firstHandedOver >= this.patienceNanos) {
			this.warned = true;
			logger.warn("conntrace handed connection facts to " + this.handedOver + " requests' observations, but its "
					+ "ObservationFilter never ran, so their spans carry no conntrace.* attributes. Register it on "
					+ "the ObservationRegistry the WebClient uses: "
					+ "registry.observationConfig().observationFilter(ConnectionTracing.observationFilter()) "
					+ "(the starter does so for the application's registry unless conntrace.enabled=false)");
		}
	}

}
