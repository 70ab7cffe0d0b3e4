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
	static long patienceNanos = 60_000_000_000L;

	static int minRequests = 100;

	private static volatile boolean filterRan;

	private static volatile boolean warned;

	// Racy on purpose: a heuristic needs no exact count, and the hot path must not contend.
	private static int handedOver;

	private static long firstHandedOver;

	private FilterCheck() {
	}

	static void filterRan() {
		if (!filterRan) {
			filterRan = true;
		}
	}

	static void handedOver() {
		if (filterRan || warned) {
			return;
		}
		long now = System.nanoTime();
		if (handedOver++ == 0) {
			firstHandedOver = now;
		}
		if (handedOver >= minRequests && now - firstHandedOver >= patienceNanos) {
			warned = true;
			logger.warn("conntrace handed connection facts to " + handedOver + " requests' observations, but its "
					+ "ObservationFilter never ran, so their spans carry no conntrace.* attributes. Register it on "
					+ "the ObservationRegistry the WebClient uses: "
					+ "registry.observationConfig().observationFilter(ConnectionTracing.observationFilter()) "
					+ "(the starter does so for the application's registry unless conntrace.enabled=false)");
		}
	}

	static void reset() {
		filterRan = false;
		warned = false;
		handedOver = 0;
		patienceNanos = 60_000_000_000L;
		minRequests = 100;
	}

}
