package io.conntrace.trace;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Reads the frames by which an HTTP/2 server says it never processed a stream: a GOAWAY's last stream id (the
 * streams above it were not processed) and RST_STREAM with REFUSED_STREAM. Installed once per connection, between
 * Netty's frame codec and its multiplex handler, which consumes reset frames; the facts go to the connection's
 * {@link ConnectionState}, where a failed request's stream is looked up ({@link RequestAttempts#unprocessed}).
 * Any headers or data from the server also end the connection's idle burst: the connection has shown it is alive,
 * so a stream opened after that is not judged by the idle time before the burst.
 */
@ChannelHandler.Sharable
final class Http2ConnectionFrames extends ChannelInboundHandlerAdapter {

	static final String NAME = "conntrace.h2frames";

	private static final Http2ConnectionFrames INSTANCE = new Http2ConnectionFrames();

	private static final Logger logger = Loggers.getLogger(ConnectionTracing.class);

	private static volatile boolean told;

	private Http2ConnectionFrames() {
	}

	/**
	 * Put the reader into an HTTP/2 connection's pipeline, before Netty's multiplex handler; once. Guarded: a failure
	 * costs the connection this reader, nothing else.
	 */
	static void install(Channel connection) {
		try {
			add(connection);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CONFIGURED, ex);
		}
	}

	private static void add(Channel connection) {
		ChannelPipeline pipeline = connection.pipeline();
		if (pipeline.get(NAME) != null) {
			return;
		}
		ChannelHandlerContext multiplex = pipeline.context(Http2MultiplexHandler.class);
		if (multiplex == null) {
			if (!told) {
				told = true;
				logger.warn("conntrace found no Http2MultiplexHandler on an HTTP/2 connection (" + connection
						+ "): streams the server never processed (GOAWAY, REFUSED_STREAM) are not sent again");
			}
			return;
		}
		pipeline.addBefore(multiplex.name(), NAME, INSTANCE);
	}

	/**
	 * A server's GOAWAY names the last stream the client opened that it processed: odd, or 0 for none. Netty fires
	 * a GOAWAY of its own with an even id when the client runs out of stream ids; it says nothing of the server.
	 */
	private static boolean namesAClientStream(int lastStreamId) {
		return lastStreamId == 0 || (lastStreamId & 1) == 1;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			if (msg instanceof Http2HeadersFrame || msg instanceof Http2DataFrame) {
				ConnectionState state = ConnectionState.of(ctx.channel());
				if (state != null) {
					state.burstIdleNanos = -1;
				}
			}
			else if (msg instanceof Http2GoAwayFrame goAway && namesAClientStream(goAway.lastStreamId())) {
				ConnectionState state = ConnectionState.of(ctx.channel());
				if (state != null) {
					state.goAwayReceived(goAway.lastStreamId());
				}
			}
			else if (msg instanceof Http2ResetFrame reset && reset.errorCode() == Http2Error.REFUSED_STREAM.code()
					&& reset.stream() != null) {
				ConnectionState state = ConnectionState.of(ctx.channel());
				if (state != null) {
					state.refused(reset.stream().id());
				}
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.RESPONSE, ex);
		}
		ctx.fireChannelRead(msg);
	}

}
