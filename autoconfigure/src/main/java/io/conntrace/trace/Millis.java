package io.conntrace.trace;

/**
 * Formats a nanosecond duration as milliseconds with exactly three fraction digits ({@code 12.345}),
 * without {@code String.format}, which is too slow for every request.
 */
final class Millis {

	private Millis() {
	}

	static String format(long nanos) {
		long micros = (Math.max(nanos, 0) + 500) / 1000;
		long whole = micros / 1000;
		int fraction = (int) (micros % 1000);
		StringBuilder text = new StringBuilder(8).append(whole).append('.');
		if (fraction < 100) {
			text.append('0');
		}
		if (fraction < 10) {
			text.append('0');
		}
		return text.append(fraction).toString();
	}

}
