package io.conntrace.trace;

/**
 * Formats a nanosecond duration as milliseconds with exactly three fraction digits ({@code 12.345}),
 * without {@code String.format}, which is too slow for every request. The concatenation compiles to a
 * single exact-size allocation.
 */
final class Millis {

	/** Most requests wait for nothing: one string serves them all. */
	private static final String ZERO = "0.000";

	private Millis() {
	}

	static String format(long nanos) {
		long micros = (Math.max(nanos, 0) + 500) / 1000;
		if (micros == 0) {
			return ZERO;
		}
		long whole = micros / 1000;
		int fraction = (int) (micros % 1000);
		String padding = (fraction < 10) ? "00" : (fraction < 100) ? "0" : "";
		return whole + "." + padding + fraction;
	}

}
