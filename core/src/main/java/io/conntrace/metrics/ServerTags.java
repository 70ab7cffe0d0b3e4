package io.conntrace.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;

import static io.conntrace.metrics.ConnectionMeterNames.Tags.SERVER_ADDRESS;
import static io.conntrace.metrics.ConnectionMeterNames.Tags.SERVER_PORT;

/**
 * Keeps {@code server.address} and {@code server.port} tag values bounded: the first {@code cap}
 * distinct servers (host and port) keep their own values, every later one folds into
 * {@value #OTHER}, so a client calling thousands of hosts cannot explode a registry. Whatever is
 * cached per server is held here too, so it is bounded by the same cap.
 */
final class ServerTags<T> {

	static final String OTHER = "_other";

	private final Map<Server, T> admitted = new ConcurrentHashMap<>();

	private final int cap;

	private final Function<Tags, T> factory;

	/** Created on the first fold only, so a registry shows no {@value #OTHER} meters until one is real. */
	private volatile @Nullable T other;

	ServerTags(int cap, Function<Tags, T> factory) {
		this.cap = cap;
		this.factory = factory;
	}

	/** Return what is held for this server, creating it on first sight while under the cap. */
	T get(String host, int port) {
		Server server = new Server(host, port);
		T held = this.admitted.get(server);
		if (held != null) {
			return held;
		}
		T other = this.other;
		if (other != null && this.admitted.size() >= this.cap) {
			return other; // the common case beyond the cap, without the lock
		}
		synchronized (this.admitted) {
			if (this.admitted.size() < this.cap) {
				return this.admitted.computeIfAbsent(server, (key) -> this.factory.apply(key.tags()));
			}
			other = this.other;
			if (other == null) {
				other = this.factory.apply(Tags.of(SERVER_ADDRESS.asString(), OTHER, SERVER_PORT.asString(), OTHER));
				this.other = other;
			}
			return other;
		}
	}

	private record Server(String host, int port) {

		Tags tags() {
			return Tags.of(SERVER_ADDRESS.asString(), this.host, SERVER_PORT.asString(), Integer.toString(this.port));
		}

	}

}
