package io.conntrace.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The benchmark's servers, one per protocol it measures (HTTP/1.1, HTTPS, h2c, h2; self-signed certificate) on
 * 127.0.0.1, answering every request with the same small body. Part of the instrument rather than a test fixture:
 * they run on event loops of their own, apart from the clients' loops, so that the CPU measured is the client's;
 * they count the connections they accept, the proof of how many connections a variant really opened.
 */
final class LocalServer implements AutoCloseable {

	/** A fixed small response: the cost measured is the client's, not the payload's. */
	static final int BODY_SIZE = 64;

	private static final Mono<byte[]> BODY = Mono.just("x".repeat(BODY_SIZE).getBytes(StandardCharsets.US_ASCII));

	private final LoopResources loops = LoopResources.create("benchmark-server", 2, true);

	private final SelfSignedCertificate certificate;

	private final AtomicInteger httpAccepted = new AtomicInteger();

	private final AtomicInteger httpsAccepted = new AtomicInteger();

	private final DisposableServer http;

	private final DisposableServer https;

	private final AtomicInteger h2cAccepted = new AtomicInteger();

	private final AtomicInteger h2Accepted = new AtomicInteger();

	private final DisposableServer h2c;

	private final DisposableServer h2;

	private LocalServer() throws Exception {
		this.certificate = new SelfSignedCertificate("localhost");
		this.http = server(this.httpAccepted).bindNow();
		this.https = server(this.httpsAccepted)
			.secure((spec) -> spec.sslContext(
					Http11SslContextSpec.forServer(this.certificate.certificate(), this.certificate.privateKey())))
			.bindNow();
		this.h2c = server(this.h2cAccepted).protocol(HttpProtocol.H2C).bindNow();
		this.h2 = server(this.h2Accepted).protocol(HttpProtocol.H2)
			.secure((spec) -> spec.sslContext(
					Http2SslContextSpec.forServer(this.certificate.certificate(), this.certificate.privateKey())))
			.bindNow();
	}

	static LocalServer start() throws Exception {
		return new LocalServer();
	}

	private HttpServer server(AtomicInteger accepted) {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.loops)
			// Once per accepted socket (doOnConnection would be once per request).
			.doOnChannelInit((observer, channel, remote) -> accepted.incrementAndGet())
			.handle((request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
				.sendByteArray(BODY));
	}

	/** The server of a Boot mode protocol; TLS ones by the certificate's name, so host names verify. */
	URI uri(BootProtocol protocol) {
		DisposableServer server = switch (protocol) {
			case HTTP1 -> this.http;
			case HTTPS1 -> this.https;
			case H2C -> this.h2c;
			case H2 -> this.h2;
		};
		return URI.create((protocol.tls() ? "https://localhost:" : "http://127.0.0.1:") + server.port() + "/");
	}

	/** Connections accepted so far by the server of a Boot mode protocol. */
	int accepted(BootProtocol protocol) {
		return switch (protocol) {
			case HTTP1 -> this.httpAccepted.get();
			case HTTPS1 -> this.httpsAccepted.get();
			case H2C -> this.h2cAccepted.get();
			case H2 -> this.h2Accepted.get();
		};
	}

	/** The self-signed certificate (PEM) the TLS servers present. */
	java.io.File certificate() {
		return this.certificate.certificate();
	}

	@Override
	public void close() {
		this.http.disposeNow(Duration.ofSeconds(10));
		this.https.disposeNow(Duration.ofSeconds(10));
		this.h2c.disposeNow(Duration.ofSeconds(10));
		this.h2.disposeNow(Duration.ofSeconds(10));
		this.loops.disposeLater().block(Duration.ofSeconds(10));
		this.certificate.delete();
	}

}
