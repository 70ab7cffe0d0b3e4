package io.conntrace.sample;

import java.time.Duration;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP proxy on 127.0.0.1 that holds the target's first bytes on each connection for a delay. In
 * front of a TLS server those bytes are the ServerHello, so the handshake, and only the handshake,
 * gets that much slower: the TCP connect to the proxy stays fast.
 */
final class DelayingProxy implements AutoCloseable {

	private final DisposableServer server;

	DelayingProxy(int targetPort, Duration firstBytesDelay) {
		this.server = TcpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((in, out) -> TcpClient.newConnection()
				.host("127.0.0.1")
				.port(targetPort)
				.connect()
				.flatMap((target) -> {
					Mono<Void> toTarget = target.outbound()
						.send(in.receive().retain())
						.then()
						// The client hung up: hang up on the target too, which ends the other direction.
						.doFinally((signal) -> target.dispose());
					Flux<ByteBuf> fromTarget = target.inbound()
						.receive()
						.retain()
						.index()
						.concatMap((chunk) -> (chunk.getT1() == 0) ? Mono.just(chunk.getT2()).delayElement(firstBytesDelay)
								: Mono.just(chunk.getT2()));
					return Mono.when(toTarget, out.send(fromTarget).then()).doFinally((signal) -> target.dispose());
				}))
			.bindNow();
	}

	int port() {
		return this.server.port();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
