package io.conntrace.trace;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.Http2FrameCodec;

/**
 * Counts the HTTP/2 streams open on each connection, so a stream knows how many others ran beside it
 * when it started and when the connection last fell idle. The count lives on the connection's
 * {@link ConnectionState}; streams share their connection's event loop, where every change is made.
 */
final class Http2Streams {

	/** Runs when a stream's channel closes, however the stream ended (completed, reset, cancelled). */
	private static final ChannelFutureListener CLOSED = (future) -> {
		try {
			Channel parent = future.channel().parent();
			ConnectionState state = (parent != null) ? ConnectionState.of(parent) : null;
			if (state != null && state.openStreams > 0 && --state.openStreams == 0) {
				state.released = System.nanoTime();
			}
			// After the count: a failure here must not leave the connection counting a stream for ever.
		}
		catch (Throwable ex) {
			Guard.failed(Hook.RELEASED, ex);
		}
	};

	private Http2Streams() {
	}

	/**
	 * Count a stream opened on its connection.
	 * @return how many other streams were open on the connection when it opened
	 */
	static int opened(Channel stream, ConnectionState state) {
		int others = state.openStreams;
		state.openStreams = others + 1;
		stream.closeFuture().addListener(CLOSED);
		return others;
	}

	/** Whether a connection speaks HTTP/2: its pipeline has the frame codec. */
	static boolean isHttp2(Channel connection) {
		return connection.pipeline().get(Http2FrameCodec.class) != null;
	}

}
