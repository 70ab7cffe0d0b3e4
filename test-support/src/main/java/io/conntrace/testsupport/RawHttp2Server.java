package io.conntrace.testsupport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * An HTTP/2 server with prior knowledge (h2c) on 127.0.0.1 that misbehaves as the test says, on the first
 * connection it accepts; later connections answer every request. It counts the requests it processed, by their
 * {@code x-request} header, so a test can tell a request sent twice from one sent once. Frames, not Reactor
 * Netty: a test needs to choose exactly which streams a GOAWAY leaves unprocessed.
 */
public final class RawHttp2Server implements AutoCloseable {

	/** What the first connection does. */
	public enum Mode {

		/** Refuses the first {@code n} streams with RST_STREAM(REFUSED_STREAM). */
		REFUSE,

		/**
		 * Waits until {@code n} streams are open, answers the first half, then sends GOAWAY naming the last answered
		 * stream and closes: the other half were never processed.
		 */
		GOAWAY,

		/** Processes the first request, then closes the connection without answering it. */
		PROCESS_THEN_DROP,

		/**
		 * Answers the first {@code n} streams; when {@code n} more are open, closes the connection without a word
		 * (no GOAWAY, none of them processed), as a server does that drops a connection it held idle.
		 */
		SILENT_CLOSE

	}

	private final Mode mode;

	private final int n;

	private final EventLoopGroup group = new NioEventLoopGroup(1);

	private final Channel server;

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();

	/** Start a server on a free port whose first connection misbehaves as {@code mode} says, on {@code n} streams. */
	public RawHttp2Server(Mode mode, int n) throws InterruptedException {
		this.mode = mode;
		this.n = n;
		this.server = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.childHandler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					boolean first = RawHttp2Server.this.accepted.incrementAndGet() == 1;
					Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().build();
					channel.pipeline().addLast(codec, new Requests(codec, first ? mode : null));
				}
			})
			.bind(new InetSocketAddress("127.0.0.1", 0))
			.sync()
			.channel();
	}

	/** The {@code http} URL of a path on this server. */
	public String url(String path) {
		return "http://127.0.0.1:" + ((InetSocketAddress) this.server.localAddress()).getPort() + path;
	}

	/** Sockets accepted. */
	public int accepted() {
		return this.accepted.get();
	}

	/** Streams refused with REFUSED_STREAM. */
	public int refused() {
		return this.refused.get();
	}

	/** How many times the request with this {@code x-request} header was processed. */
	public int processed(String request) {
		AtomicInteger count = this.processed.get(request);
		return (count != null) ? count.get() : 0;
	}

	/** Requests processed, each {@code x-request} once however often it came. */
	public int processedRequests() {
		return this.processed.size();
	}

	/** Stop the server and its event loop. */
	@Override
	public void close() {
		this.server.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
	}

	/** One connection's requests; a request is acted on once it ended (its headers or its last data frame). */
	private final class Requests extends ChannelDuplexHandler {

		private final Http2FrameCodec codec;

		private final Mode misbehave;

		private final Map<Http2FrameStream, String> names = new ConcurrentHashMap<>();

		private final List<Http2FrameStream> waiting = new ArrayList<>();

		private int ended;

		Requests(Http2FrameCodec codec, Mode misbehave) {
			this.codec = codec;
			this.misbehave = misbehave;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			try {
				if (msg instanceof Http2HeadersFrame headers) {
					CharSequence name = headers.headers().get("x-request");
					this.names.put(headers.stream(), (name != null) ? name.toString() : "");
					if (headers.isEndStream()) {
						ended(ctx, headers.stream());
					}
				}
				else if (msg instanceof Http2DataFrame data && data.isEndStream()) {
					ended(ctx, data.stream());
				}
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		private void ended(ChannelHandlerContext ctx, Http2FrameStream stream) {
			if (this.misbehave == Mode.REFUSE && RawHttp2Server.this.refused.get() < RawHttp2Server.this.n) {
				RawHttp2Server.this.refused.incrementAndGet();
				ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM).stream(stream));
				return;
			}
			if (this.misbehave == Mode.GOAWAY) {
				this.waiting.add(stream);
				if (this.waiting.size() == RawHttp2Server.this.n) {
					// By id, not by the order they ended in (a POST ends with its data): the GOAWAY names the highest
					// answered, and every stream above it must be one that was not.
					this.waiting.sort(java.util.Comparator.comparingInt(Http2FrameStream::id));
					int answered = RawHttp2Server.this.n / 2;
					for (int i = 0; i < answered; i++) {
						answer(ctx, this.waiting.get(i));
					}
					// The frame codec picks a GOAWAY's last stream itself: through its connection handler, the test's.
					int lastProcessed = this.waiting.get(answered - 1).id();
					ChannelHandlerContext codecContext = ctx.pipeline().context(this.codec);
					this.codec.goAway(codecContext, lastProcessed, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
							codecContext.newPromise());
					codecContext.flush();
					ctx.channel().eventLoop().schedule(() -> ctx.close(), 100, java.util.concurrent.TimeUnit.MILLISECONDS);
				}
				return;
			}
			if (this.misbehave == Mode.SILENT_CLOSE) {
				if (++this.ended <= RawHttp2Server.this.n) {
					answer(ctx, stream);
				}
				else if (this.ended == 2 * RawHttp2Server.this.n) {
					// From the head: the frame codec would send a GOAWAY as it closes.
					ctx.pipeline().context(this.codec).close();
				}
				return;
			}
			if (this.misbehave == Mode.PROCESS_THEN_DROP) {
				process(stream);
				ctx.close();
				return;
			}
			answer(ctx, stream);
		}

		private void process(Http2FrameStream stream) {
			RawHttp2Server.this.processed.computeIfAbsent(this.names.get(stream), (key) -> new AtomicInteger())
				.incrementAndGet();
		}

		private void answer(ChannelHandlerContext ctx, Http2FrameStream stream) {
			process(stream);
			ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false).stream(stream));
			ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8), true)
				.stream(stream));
		}

	}

}
