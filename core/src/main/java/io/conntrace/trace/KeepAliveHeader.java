package io.conntrace.trace;

/**
 * Reads the idle timeout a server announces in its {@code Keep-Alive} response header
 * ({@code Keep-Alive: timeout=5, max=100}, RFC 7230's obsolete but widely sent hint).
 */
final class KeepAliveHeader {

	private static final String TIMEOUT = "timeout";

	private KeepAliveHeader() {
	}

	/**
	 * Returns the timeout in millis, or 0 when the header names none or an unreadable one. Lenient as
	 * servers write it: {@code timeout=5}, {@code timeout = 5}, {@code Timeout="5"}. Read on every response
	 * that carries the header, so it allocates nothing: Apache, for one, sends a new {@code max} each time.
	 */
	static long timeoutMillis(String header) {
		int length = header.length();
		int start = 0;
		while (start <= length) {
			int comma = header.indexOf(',', start);
			int end = (comma >= 0) ? comma : length;
			int equals = header.indexOf('=', start);
			if (equals >= 0 && equals < end && isTimeout(header, start, equals)) {
				return seconds(header, equals + 1, end) * 1000;
			}
			start = end + 1;
		}
		return 0;
	}

	private static boolean isTimeout(String header, int start, int end) {
		int from = skipSpaces(header, start, end);
		int to = trimSpaces(header, from, end);
		return to - from == TIMEOUT.length() && header.regionMatches(true, from, TIMEOUT, 0, TIMEOUT.length());
	}

	/** The value's whole seconds if it is a positive count below a day, quoted or not; 0 otherwise. */
	private static long seconds(String header, int start, int end) {
		int from = skipSpaces(header, start, end);
		int to = trimSpaces(header, from, end);
		if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
			from = skipSpaces(header, from + 1, to - 1);
			to = trimSpaces(header, from, to - 1);
		}
		if (from < to && header.charAt(from) == '+') {
			from++;
		}
		if (from == to || to - from > 5) {
			return 0;
		}
		long seconds = 0;
		for (int i = from; i < to; i++) {
			char digit = header.charAt(i);
			if (digit < '0' || digit > '9') {
				return 0;
			}
			seconds = seconds * 10 + (digit - '0');
		}
		return (seconds > 0 && seconds < 86_400) ? seconds : 0;
	}

	private static int skipSpaces(String text, int from, int end) {
		while (from < end && Character.isWhitespace(text.charAt(from))) {
			from++;
		}
		return from;
	}

	private static int trimSpaces(String text, int from, int end) {
		while (end > from && Character.isWhitespace(text.charAt(end - 1))) {
			end--;
		}
		return end;
	}

}
