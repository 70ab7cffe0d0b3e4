package io.conntrace.trace;

/**
 * Reads the idle timeout a server announces in its {@code Keep-Alive} response header
 * ({@code Keep-Alive: timeout=5, max=100}, RFC 7230's obsolete but widely sent hint).
 */
final class KeepAliveHeader {

	private KeepAliveHeader() {
	}

	/** Returns the timeout in millis, or 0 when the header names none or an unreadable one. */
	static long timeoutMillis(String header) {
		for (String part : header.split(",")) {
			String parameter = part.trim();
			if (parameter.regionMatches(true, 0, "timeout=", 0, 8)) {
				try {
					long seconds = Long.parseLong(parameter.substring(8).trim());
					return (seconds > 0 && seconds < 86_400) ? seconds * 1000 : 0;
				}
				catch (NumberFormatException ex) {
					return 0;
				}
			}
		}
		return 0;
	}

}
