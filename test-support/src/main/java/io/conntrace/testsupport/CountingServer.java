package io.conntrace.testsupport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A real HTTP or HTTPS server on 127.0.0.1 that counts the connections it accepts: the ground truth
 * that conntrace's {@code reused=false} count must match. {@code /slow?ms=N} answers after N ms,
 * {@code /header} echoes the {@code X-User} request header.
 */
public final class CountingServer implements AutoCloseable {

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger closed = new AtomicInteger();

	/** Requests answered by the catch-all route ({@code /} and any path without a route of its own). */
	private final AtomicInteger requests = new AtomicInteger();

	private final DisposableServer server;

	private final boolean tls;

	private java.io.File certificate;

	private static final AttributeKey<AtomicInteger> REQUESTS = AttributeKey.valueOf("test.requests");

	/** Its own event loops, {@code null} on Reactor Netty's global ones. */
	private final @Nullable LoopResources loops;

	private CountingServer(boolean tls, @Nullable Duration idleTimeout) throws Exception {
		this(tls, idleTimeout, new HttpProtocol[0]);
	}

	private CountingServer(boolean tls, @Nullable Duration idleTimeout, HttpProtocol... protocols) throws Exception {
		this(null, tls, idleTimeout, protocols);
	}

	private CountingServer(@Nullable LoopResources loops, boolean tls, @Nullable Duration idleTimeout,
			HttpProtocol... protocols) throws Exception {
		boolean http2 = protocols.length > 0;
		this.tls = tls;
		this.loops = loops;
		HttpServer server = ((loops != null) ? HttpServer.create().runOn(loops) : HttpServer.create())
			.host("127.0.0.1")
			.port(0)
			// Once per accepted socket; doOnConnection would fire once per request.
			.doOnChannelInit((observer, channel, remote) -> {
				if (channel instanceof io.netty.handler.codec.http2.Http2StreamChannel) {
					// An HTTP/2 server initialises its stream channels too: only sockets count.
					return;
				}
				this.accepted.incrementAndGet();
				channel.attr(REQUESTS).set(new AtomicInteger());
				channel.closeFuture().addListener((future) -> this.closed.incrementAndGet());
			})
			.route((routes) -> routes
				.get("/redirect",
						(request, response) -> response.status(302).header("Location", query(request, "to")).send())
				.get("/slow", (request, response) -> {
				long millis = Long.parseLong(query(request, "ms"));
				return response.sendString(Mono.delay(Duration.ofMillis(millis)).map((tick) -> "slow"));
			}).route((request) -> request.uri().startsWith("/close-second"), (request, response) -> {
				// The stale-connection race made deterministic: the second request on a connection finds
				// it closed before any response byte.
				io.netty.channel.Channel channel = socket(request);
				if (channel.attr(REQUESTS).get().incrementAndGet() == 2) {
					channel.close();
					return Mono.never();
				}
				return response.sendString(Mono.just("ok"));
			}).get("/close-during-second", (request, response) -> {
				io.netty.channel.Channel channel = socket(request);
				if (channel.attr(REQUESTS).get().incrementAndGet() == 2) {
					// Headers and part of the body, then the connection drops: response bytes arrived.
					return response.header("Content-Length", "100")
						.sendString(Mono.just("part"))
						.then()
						.then(Mono.fromRunnable(channel::close));
				}
				return response.sendString(Mono.just("ok"));
			}).get("/close-always", (request, response) -> {
				socket(request).close();
				return Mono.never();
			}).route((request) -> request.uri().startsWith("/echo-body"), (request, response) -> response
				// A moment before answering: an answer that beats the client's own "request sent" (a bodiless request
				// on a busy client loop) makes Reactor Netty close the connection instead of pooling it, and the
				// tests count on the second request meeting the first one's connection.
				.sendString(request.receive().aggregate().asString().defaultIfEmpty("")
					.delayElement(Duration.ofMillis(20)).map((body) -> {
					io.netty.channel.Channel channel = socket(request);
					if (channel.attr(REQUESTS).get().incrementAndGet() == 2) {
						channel.close();
					}
					return body;
				}))).get("/header", (request, response) -> response
				.sendString(Mono.just(String.valueOf(request.requestHeaders().get("X-User")))))
				.route((request) -> true, (request, response) -> {
					this.requests.incrementAndGet();
					if (idleTimeout != null && !http2) {
						// Real servers announce their idle timeout; Reactor Netty's does not, so say it for it.
						response.header("Keep-Alive", "timeout=" + Math.max(1, idleTimeout.toSeconds()));
					}
					return response.sendString(Mono.just("ok"));
				}));
		if (idleTimeout != null) {
			server = server.idleTimeout(idleTimeout);
		}
		if (tls) {
			SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
			this.certificate = certificate.certificate();
			server = server.secure((spec) -> spec.sslContext(http2
					? Http2SslContextSpec.forServer(certificate.certificate(), certificate.privateKey())
					: Http11SslContextSpec.forServer(certificate.certificate(), certificate.privateKey())));
		}
		if (http2) {
			server = server.protocol(protocols);
		}
		this.server = server.bindNow();
	}

	/** A cleartext HTTP/1.1 server. */
	public static CountingServer http() throws Exception {
		return new CountingServer(false, null);
	}

	/**
	 * A cleartext HTTP/1.1 server on event loops of its own, which a test that stops the application's (Reactor
	 * Netty's global ones, which a context's {@code ReactorResourceFactory} disposes on stop) leaves running.
	 */
	public static CountingServer httpApart() throws Exception {
		return new CountingServer(LoopResources.create("counting-server", 1, true), false, null);
	}

	/** An HTTP/1.1 server over TLS, with a self-signed certificate for {@code localhost}. */
	public static CountingServer https() throws Exception {
		return new CountingServer(true, null);
	}

	/** An HTTP/2 server: cleartext with prior knowledge (h2c), or over TLS with ALPN (h2). */
	public static CountingServer http2(boolean tls) throws Exception {
		return new CountingServer(tls, null, tls ? HttpProtocol.H2 : HttpProtocol.H2C);
	}

	/** A cleartext server that speaks HTTP/1.1 and accepts an upgrade to h2c. */
	public static CountingServer http2Upgradable() throws Exception {
		return new CountingServer(false, null, HttpProtocol.HTTP11, HttpProtocol.H2C);
	}

	/** An HTTP/2 server that closes connections idle longer than the given time. */
	public static CountingServer http2ClosingIdleAfter(boolean tls, Duration idleTimeout) throws Exception {
		return new CountingServer(tls, idleTimeout, tls ? HttpProtocol.H2 : HttpProtocol.H2C);
	}

	/**
	 * A server that closes connections idle longer than the given time, as real servers do, and
	 * announces it as {@code Keep-Alive: timeout=N} (whole seconds) on its default route.
	 */
	public static CountingServer httpClosingIdleAfter(Duration idleTimeout) throws Exception {
		return new CountingServer(false, idleTimeout);
	}

	/** Like {@link #httpClosingIdleAfter}, over TLS. */
	public static CountingServer httpsClosingIdleAfter(Duration idleTimeout) throws Exception {
		return new CountingServer(true, idleTimeout);
	}

	/** The request's socket: on HTTP/2 the parent of its stream's channel. */
	private static io.netty.channel.Channel socket(reactor.netty.http.server.HttpServerRequest request) {
		io.netty.channel.Channel channel = ((reactor.netty.Connection) request).channel();
		return (channel.parent() instanceof io.netty.channel.socket.SocketChannel) ? channel.parent() : channel;
	}

	private static String query(reactor.netty.http.server.HttpServerRequest request, String name) {
		return new io.netty.handler.codec.http.QueryStringDecoder(request.uri()).parameters().get(name).get(0);
	}

	/** The self-signed certificate (PEM) of a TLS server, for a client to trust. */
	public java.io.File certificate() {
		return this.certificate;
	}

	/** The port the server listens on. */
	public int port() {
		return this.server.port();
	}

	/** The URL of a path on this server, {@code https} for a TLS server. */
	public String url(String path) {
		return (this.tls ? "https" : "http") + "://127.0.0.1:" + port() + path;
	}

	/** Connections this server accepted; a connection counts once it is accepted, before any request. */
	public int accepted() {
		return this.accepted.get();
	}

	/** Requests the catch-all route answered: what really reached the server, each once. */
	public int requests() {
		return this.requests.get();
	}

	/** Accepted connections that have since closed, whichever side closed them. */
	public int closed() {
		return this.closed.get();
	}

	/** Stop the server, closing the connections it still has. */
	@Override
	public void close() {
		this.server.disposeNow();
		if (this.loops != null) {
			this.loops.disposeLater().block(Duration.ofSeconds(10));
		}
	}

}
