package io.conntrace.testsupport;

import java.time.Duration;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP proxy on 127.0.0.1 that forwards to a target port and holds the target's first bytes on
 * each connection for a fixed delay. In front of a TLS server that first flight is the ServerHello,
 * so the handshake, and only the handshake, gets that much slower: the TCP connect to the proxy stays fast. The
 * sample app runs one too, for its slow-TLS scenario.
 */
public final class DelayingProxy implements AutoCloseable {

	private final DisposableServer server;

	/** Start a proxy on a free port to {@code targetPort} of 127.0.0.1, holding its first bytes for the delay. */
	public DelayingProxy(int targetPort, Duration firstBytesDelay) {
		this.server = TcpServer.create().host("127.0.0.1").port(0).handle((in, out) -> TcpClient.newConnection()
			.host("127.0.0.1")
			.port(targetPort)
			.connect()
			.flatMap((upstream) -> {
				Mono<Void> toTarget = upstream.outbound()
					.send(in.receive().retain())
					.then()
					// The client hung up: hang up on the target too, which ends the other direction.
					.doFinally((signal) -> upstream.dispose());
				Flux<ByteBuf> fromTarget = upstream.inbound()
					.receive()
					.retain()
					.index()
					.concatMap((chunk) -> (chunk.getT1() == 0) ? Mono.just(chunk.getT2()).delayElement(firstBytesDelay)
							: Mono.just(chunk.getT2()));
				return Mono.when(toTarget, out.send(fromTarget).then()).doFinally((signal) -> upstream.dispose());
			}))
			.bindNow();
	}

	/** The port clients connect to: the proxy's. */
	public int port() {
		return this.server.port();
	}

	/** Stop the proxy, closing the connections it still has. */
	@Override
	public void close() {
		this.server.disposeNow();
	}

}
