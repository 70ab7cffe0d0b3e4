package io.conntrace.autoconfigure;

import java.net.URI;

/**
 * The server a request's URL names, as conntrace's connections name it: the host without the brackets a
 * URI keeps around an IPv6 literal, and the port, defaulted by scheme.
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
	 * Return the URL's port, 443 for {@code https} and 80 otherwise when it gives none.
	 * @param url the request's URL
	 * @return the port
	 */
	public static int port(URI url) {
		if (url.getPort() != -1) {
			return url.getPort();
		}
		return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
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
