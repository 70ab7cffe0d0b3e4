package io.conntrace.gateway;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The service behind the gateway: a Reactor Netty server on 127.0.0.1 that counts the connections it
 * accepts, the ground truth for the gateway's {@code reused=false} spans. Like most real servers it closes
 * connections idle longer than its idle timeout and announces it ({@code Keep-Alive: timeout=N}), which is
 * what makes stale keep-alive connections. A path ending {@code /slow?ms=N} answers after N ms; one
 * ending {@code /close-reused} closes its connection, before any response byte, when the connection
 * carried a request before: the stale-connection race made deterministic; the first request ending
 * {@code /unavailable-once} gets a 503. The answer names the request's
 * ordinal on its connection and echoes its body.
 */
public final class Backend implements AutoCloseable {

	private static final AttributeKey<AtomicInteger> REQUESTS = AttributeKey.valueOf("backend.requests");

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicBoolean unavailableOnce = new AtomicBoolean();

	private final DisposableServer server;

	/**
	 * Start a backend.
	 * @param port the port, 0 for any free one
	 * @param idleTimeout how long a connection may wait for its next request, {@code null} for ever
	 */
	public Backend(int port, @Nullable Duration idleTimeout) {
		HttpServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			// Once per accepted socket; doOnConnection would fire once per request.
			.doOnChannelInit((observer, channel, remote) -> {
				this.accepted.incrementAndGet();
				channel.attr(REQUESTS).set(new AtomicInteger());
			})
			.handle((request, response) -> {
				this.requests.incrementAndGet();
				Channel channel = ((Connection) request).channel();
				int ordinal = channel.attr(REQUESTS).get().incrementAndGet();
				if (request.uri().endsWith("/close-reused") && ordinal > 1) {
					channel.close();
					return Mono.never();
				}
				if (request.uri().endsWith("/unavailable-once") && this.unavailableOnce.compareAndSet(false, true)) {
					return response.status(503).sendString(Mono.just("try again\n"));
				}
				if (idleTimeout != null) {
					// Real servers announce their idle timeout; Reactor Netty's does not, so say it for it.
					response.header("Keep-Alive", "timeout=" + Math.max(1, idleTimeout.toSeconds()));
				}
				return response.sendString(request.receive()
					.aggregate()
					.asString()
					.defaultIfEmpty("")
					.delayElement(delay(request))
					.map((body) -> "hello from the backend, request " + ordinal + " on its connection"
							+ (body.isEmpty() ? "" : ", body " + body) + "\n"));
			});
		if (idleTimeout != null) {
			server = server.idleTimeout(idleTimeout);
		}
		this.server = server.bindNow();
	}

	private static Duration delay(HttpServerRequest request) {
		int at = request.uri().indexOf("ms=");
		if (!request.uri().contains("/slow") || at < 0) {
			return Duration.ZERO;
		}
		String millis = request.uri().substring(at + 3).split("&")[0];
		return Duration.ofMillis(Long.parseLong(millis));
	}

	/** The port the backend listens on. */
	public int port() {
		return this.server.port();
	}

	/** The backend's base URL. */
	public String url() {
		return "http://127.0.0.1:" + port();
	}

	/** Connections accepted so far; one counts as soon as it is accepted, before any request. */
	public int accepted() {
		return this.accepted.get();
	}

	/** Requests that reached the backend, each once. */
	public int requests() {
		return this.requests.get();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
