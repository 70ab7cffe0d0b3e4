package io.conntrace.trace;

import java.lang.reflect.Field;
import java.net.URI;

import org.jspecify.annotations.Nullable;
import reactor.core.Scannable;
import reactor.netty.http.client.HttpClientConfig;

/**
 * Finds a request's own configuration (its URI) behind the connect {@code Mono} Reactor Netty hands to
 * {@code mapConnect}, for a request cancelled before any connection was opened for it, whose server
 * nothing else names. Reactor Netty keeps it in a field of its connect {@code Mono}, read here by
 * reflection, and only then: a per-request hook ({@code doOnConnect}) would cost every request an
 * operator for the sake of a rare event. Where the field cannot be read (another Reactor Netty), the
 * server is unknown.
 */
final class RequestTarget {

	private static final int MAX_OPERATORS = 8;

	private static final @Nullable Class<?> CONNECT_MONO;

	private static final @Nullable Field CONFIG;

	static {
		Class<?> type = null;
		Field config = null;
		try {
			type = Class.forName("reactor.netty.http.client.HttpClientConnect$MonoHttpConnect");
			config = type.getDeclaredField("config");
			config.setAccessible(true);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			type = null;
			config = null;
		}
		CONNECT_MONO = type;
		CONFIG = config;
	}

	private RequestTarget() {
	}

	/** Whether this Reactor Netty keeps the field where it was found ({@link Internals}). */
	static boolean available() {
		return CONFIG != null;
	}

	/** The configuration of the request whose connect this is, walking up the operators wrapping it. */
	static @Nullable HttpClientConfig of(@Nullable Object connect) {
		if (CONNECT_MONO == null || CONFIG == null) {
			return null;
		}
		Object current = connect;
		for (int i = 0; i < MAX_OPERATORS && current != null; i++) {
			if (current.getClass() == CONNECT_MONO) {
				try {
					return (HttpClientConfig) CONFIG.get(current);
				}
				catch (IllegalAccessException | RuntimeException ex) {
					return null;
				}
			}
			current = Scannable.from(current).scanUnsafe(Scannable.Attr.PARENT);
		}
		return null;
	}

	/** The request's URI, parsed only when asked; its host and port are all anyone keeps of it. */
	static @Nullable URI uri(@Nullable HttpClientConfig config) {
		if (config == null) {
			return null;
		}
		try {
			String uri = config.uri();
			URI parsed = (uri != null) ? URI.create(uri) : null;
			if ((parsed == null || parsed.getHost() == null) && config.baseUrl() != null) {
				parsed = URI.create(config.baseUrl());
			}
			return (parsed != null && parsed.getHost() != null) ? parsed : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
