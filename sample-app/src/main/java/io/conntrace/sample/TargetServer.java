package io.conntrace.sample;

import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.SslProvider.GenericSslContextSpec;

/**
 * A Reactor Netty HTTP server on 127.0.0.1 that a scenario sends its requests to. It counts the
 * connections it accepts: the ground truth for how many new connections the client really opened.
 * {@code /} answers at once, {@code /slow} after the configured delay.
 */
final class TargetServer implements AutoCloseable {

	private final AtomicInteger accepted = new AtomicInteger();

	private final DisposableServer server;

	private final String scheme;

	private TargetServer(HttpServer server, Duration slowResponse, String scheme) {
		this(server, slowResponse, scheme, 0);
	}

	private TargetServer(HttpServer server, Duration slowResponse, String scheme, int port) {
		this.scheme = scheme;
		this.server = server.host("127.0.0.1")
			.port(port)
			// Once per accepted socket; doOnConnection would fire once per request.
			.doOnChannelInit((observer, channel, remoteAddress) -> {
				// An HTTP/2 server initialises its streams' channels too: count sockets only.
				if (!(channel instanceof Http2StreamChannel)) {
					this.accepted.incrementAndGet();
				}
			})
			.route((routes) -> routes
				.get("/slow", (request, response) -> response.sendString(Mono.just("slow").delayElement(slowResponse)))
				.get("/", (request, response) -> response.sendString(Mono.just("ok"))))
			.bindNow();
	}

	static TargetServer http() {
		return new TargetServer(HttpServer.create(), Duration.ZERO, "http");
	}

	static TargetServer http(Duration slowResponse) {
		return new TargetServer(HttpServer.create(), slowResponse, "http");
	}

	/** A slow server on a given port, one the application's properties can name. */
	static TargetServer http(Duration slowResponse, int port) {
		return new TargetServer(HttpServer.create(), slowResponse, "http", port);
	}

	/** A server that closes a connection once it has waited this long for the next request. */
	static TargetServer closingIdleConnectionsAfter(Duration idleTimeout) {
		return new TargetServer(HttpServer.create().idleTimeout(idleTimeout), Duration.ZERO, "http");
	}

	/** A TLS server with a certificate generated at startup. */
	static TargetServer https() {
		SelfSignedCertificate certificate = certificate();
		GenericSslContextSpec<SslContextBuilder> tls = Http11SslContextSpec.forServer(certificate.certificate(),
				certificate.privateKey());
		return new TargetServer(HttpServer.create().secure((spec) -> spec.sslContext(tls)), Duration.ZERO, "https");
	}

	/** An HTTP/2 server over TLS (h2, chosen through ALPN). */
	static TargetServer http2(Duration slowResponse) {
		SelfSignedCertificate certificate = certificate();
		GenericSslContextSpec<SslContextBuilder> tls = Http2SslContextSpec.forServer(certificate.certificate(),
				certificate.privateKey());
		return new TargetServer(HttpServer.create().protocol(HttpProtocol.H2).secure((spec) -> spec.sslContext(tls)),
				slowResponse, "https");
	}

	/** A certificate generated at startup: nothing secret is checked in. */
	@SuppressWarnings("deprecation") // Netty 4.2 points to its test-only netty-pkitesting module instead
	private static SelfSignedCertificate certificate() {
		try {
			return new SelfSignedCertificate("localhost");
		}
		catch (CertificateException ex) {
			throw new IllegalStateException("Cannot create the demo's self-signed certificate", ex);
		}
	}

	int port() {
		return this.server.port();
	}

	String url(String path) {
		return this.scheme + "://127.0.0.1:" + port() + path;
	}

	/** Connections this server has accepted so far. */
	int accepted() {
		return this.accepted.get();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
