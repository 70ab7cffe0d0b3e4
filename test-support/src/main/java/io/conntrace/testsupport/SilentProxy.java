package io.conntrace.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP proxy on 127.0.0.1 that acts as a middlebox dropping idle connections silently: after
 * {@link #silenceExistingConnections()}, it forwards nothing more on the connections it already has,
 * in either direction, yet keeps their sockets open (no FIN, no reset). New connections work.
 */
public final class SilentProxy implements AutoCloseable {

	private final List<AtomicBoolean> silenced = new CopyOnWriteArrayList<>();

	private final DisposableServer server;

	/** Start a proxy on a free port that forwards to {@code targetPort} of 127.0.0.1. */
	public SilentProxy(int targetPort) {
		this.server = TcpServer.create().host("127.0.0.1").port(0).handle((in, out) -> {
			AtomicBoolean silent = new AtomicBoolean();
			this.silenced.add(silent);
			return TcpClient.newConnection().host("127.0.0.1").port(targetPort).connect().flatMap((upstream) -> {
				Flux<ByteBuf> fromClient = in.receive().retain().filter((bytes) -> pass(silent, bytes));
				Flux<ByteBuf> fromTarget = upstream.inbound().receive().retain().filter((bytes) -> pass(silent, bytes));
				return Mono.when(upstream.outbound().send(fromClient).then(), out.send(fromTarget).then())
					.doFinally((signal) -> upstream.dispose());
			});
		}).bindNow();
	}

	/** The port clients connect to: the proxy's. */
	public int port() {
		return this.server.port();
	}

	/** From now on the connections open so far carry nothing, and stay open. */
	public void silenceExistingConnections() {
		this.silenced.forEach((silent) -> silent.set(true));
	}

	/** A dropped buffer is released by Reactor Netty's discard hook, not here. */
	private static boolean pass(AtomicBoolean silent, ByteBuf bytes) {
		return !silent.get();
	}

	/** Stop the proxy, closing the connections it still has. */
	@Override
	public void close() {
		this.server.disposeNow();
	}

}
