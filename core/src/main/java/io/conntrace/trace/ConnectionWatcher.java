package io.conntrace.trace;

import java.net.SocketAddress;

import javax.net.ssl.SSLSession;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * Times the TCP connect and the TLS handshake of a new connection by watching the channel's own
 * connect call and its {@link SslHandler}'s handshake (the connection the request really uses, never
 * a side dial), and sees how the connection ends. Sits first in the pipeline so the connect it sees is
 * the socket's. Shared by all channels: it keeps nothing but reads and writes the channel's
 * {@link ConnectionState}.
 */
@ChannelHandler.Sharable
final class ConnectionWatcher extends ChannelDuplexHandler {

	static final String NAME = "conntrace.watcher";

	static final ConnectionWatcher INSTANCE = new ConnectionWatcher();

	/** Wall clock and session times have millisecond resolution; a fresh session may look a hair older. */
	private static final long CLOCK_SLACK_MILLIS = 5;

	private static final ChannelFutureListener CONNECT_DONE = (future) -> {
		try {
			ConnectionState state = ConnectionState.of(future.channel());
			if (state != null && future.isSuccess()) {
				state.connectEnd = System.nanoTime();
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CONNECT, ex);
		}
	};

	private ConnectionWatcher() {
	}

	/**
	 * Reports a close the client asked for here, not at {@code channelInactive}: Netty completes the close
	 * future first, so a pool disposal that waits on it would otherwise finish before the close is told.
	 */
	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
		ConnectionState state = ConnectionState.of(ctx.channel());
		if (state != null) {
			state.closedByClient = true;
			report(state);
		}
		super.close(ctx, promise);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
		ConnectionState state = ConnectionState.of(ctx.channel());
		if (state != null) {
			state.failed = true;
		}
		super.exceptionCaught(ctx, cause);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		ConnectionState state = ConnectionState.of(ctx.channel());
		if (state != null) {
			report(state);
		}
		super.channelInactive(ctx);
	}

	/** Tells the listener once how the connection ended; both callers run on the channel's event loop. */
	private static void report(ConnectionState state) {
		if (state.closeReported) {
			return;
		}
		state.closeReported = true;
		try {
			long lifetime = (state.established != 0) ? System.nanoTime() - state.established : -1;
			CloseReason reason = state.closeReason();
			state.listener.connectionClosed(state.host, state.port, reason, lifetime, state.requests);
			state.listener.connectionEnded(state, reason);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CLOSED, ex);
		}
	}

	@Override
	public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
			ChannelPromise promise) throws Exception {
		try {
			ConnectionState state = ConnectionState.of(ctx.channel());
			if (state != null) {
				state.connectStart = System.nanoTime();
				promise.addListener(CONNECT_DONE);
				SslHandler ssl = ctx.pipeline().get(SslHandler.class);
				if (ssl != null) {
					ssl.handshakeFuture().addListener(new HandshakeDone(state, ssl));
				}
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CONNECT, ex);
		}
		super.connect(ctx, remoteAddress, localAddress, promise);
	}

	private static final class HandshakeDone implements GenericFutureListener<Future<? super io.netty.channel.Channel>> {

		private final ConnectionState state;

		private final SslHandler ssl;

		HandshakeDone(ConnectionState state, SslHandler ssl) {
			this.state = state;
			this.ssl = ssl;
		}

		@Override
		public void operationComplete(Future<? super io.netty.channel.Channel> future) {
			try {
				if (!future.isSuccess()) {
					return;
				}
				long end = System.nanoTime();
				this.state.tlsEnd = end;
				SSLSession session = this.ssl.engine().getSession();
				// A session created before this connection's handshake began was resumed, not negotiated.
				long handshakeStartWall = System.currentTimeMillis() - (end - this.state.connectEnd) / 1_000_000;
				this.state.tlsResumed = this.state.connectEnd != 0 && session.getCreationTime() < handshakeStartWall - CLOCK_SLACK_MILLIS;
			}
			catch (Throwable ex) {
				Guard.failed(Hook.TLS, ex);
			}
		}

	}

}
