package io.conntrace.trace;

import java.net.URI;

/**
 * The server a request's URL names, as conntrace's connections name it: the host without the brackets a
 * URI keeps around an IPv6 literal, and the port, defaulted by scheme. One rule for the core (a cancelled
 * request's server, a queued request's) and for the Spring side (retry, saturation, log line).
 */
public final class RequestServer {

	private RequestServer() {
	}

	/**
	 * Return the URL's host as a connection names it.
	 * @param url the request's URL
	 * @return the host, empty if the URL has none
	 */
	public static String host(URI url) {
		String host = url.getHost();
		if (host == null) {
			return "";
		}
		return (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
	}

	/**
	 * Return the URL's port, 443 for {@code https} and {@code wss} and 80 otherwise when it gives none.
	 * @param url the request's URL
	 * @return the port
	 */
	public static int port(URI url) {
		if (url.getPort() != -1) {
			return url.getPort();
		}
		String scheme = url.getScheme();
		return ("https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme)) ? 443 : 80;
	}

	/**
	 * Return {@code host:port}, an IPv6 literal in brackets.
	 * @param host the host as a connection names it
	 * @param port the port
	 * @return the server as text
	 */
	public static String remote(String host, int port) {
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + port;
	}

}
