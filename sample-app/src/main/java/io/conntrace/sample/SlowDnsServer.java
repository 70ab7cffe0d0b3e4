package io.conntrace.sample;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsSection;

/**
 * A DNS server on 127.0.0.1 (UDP) that answers every A query with 127.0.0.1 after a delay, and any
 * other query with no records: a slow name server, for real. The answer is scheduled, not slept, so
 * concurrent queries are each answered on time.
 */
final class SlowDnsServer implements AutoCloseable {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final Channel channel;

	SlowDnsServer(Duration delay) {
		this.channel = new Bootstrap().group(this.group)
			.channel(NioDatagramChannel.class)
			.handler(new ChannelInitializer<DatagramChannel>() {

				@Override
				protected void initChannel(DatagramChannel channel) {
					channel.pipeline()
						.addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer(delay));
				}

			})
			.bind("127.0.0.1", 0)
			.syncUninterruptibly()
			.channel();
	}

	InetSocketAddress address() {
		return (InetSocketAddress) this.channel.localAddress();
	}

	@Override
	public void close() {
		this.channel.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private static final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {

		private final Duration delay;

		Answerer(Duration delay) {
			this.delay = delay;
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
			DnsQuestion question = query.recordAt(DnsSection.QUESTION);
			DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
			response.addRecord(DnsSection.QUESTION, question);
			if (question.type() == DnsRecordType.A) {
				response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A, 0,
						Unpooled.wrappedBuffer(new byte[] { 127, 0, 0, 1 })));
			}
			ctx.executor().schedule(() -> ctx.writeAndFlush(response), this.delay.toMillis(), TimeUnit.MILLISECONDS);
		}

	}

}
