package io.conntrace.trace;

/**
 * Reads the idle timeout a server announces in its {@code Keep-Alive} response header
 * ({@code Keep-Alive: timeout=5, max=100}, RFC 7230's obsolete but widely sent hint).
 */
final class KeepAliveHeader {

	private KeepAliveHeader() {
	}

	/**
	 * Returns the timeout in millis, or 0 when the header names none or an unreadable one. Lenient as
	 * servers write it: {@code timeout=5}, {@code timeout = 5}, {@code Timeout="5"}.
	 */
	static long timeoutMillis(String header) {
		for (String part : header.split(",")) {
			int equals = part.indexOf('=');
			if (equals < 0 || !part.substring(0, equals).trim().equalsIgnoreCase("timeout")) {
				continue;
			}
			String value = part.substring(equals + 1).trim();
			if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
				value = value.substring(1, value.length() - 1).trim();
			}
			try {
				long seconds = Long.parseLong(value);
				return (seconds > 0 && seconds < 86_400) ? seconds * 1000 : 0;
			}
			catch (NumberFormatException ex) {
				return 0;
			}
		}
		return 0;
	}

}
