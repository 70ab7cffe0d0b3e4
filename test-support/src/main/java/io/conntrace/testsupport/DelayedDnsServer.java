package io.conntrace.testsupport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import reactor.netty.http.client.HttpClient;

/**
 * A real DNS server on 127.0.0.1 (UDP) that answers every A query with 127.0.0.1 after a fixed
 * delay, and every other query with no records. The delay is scheduled, not slept, so the server
 * answers concurrent queries on time. The sample app runs one too, for its slow-DNS scenario.
 */
public final class DelayedDnsServer implements AutoCloseable {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final AtomicInteger queries = new AtomicInteger();

	private final Channel channel;

	private final Duration delay;

	private final Duration ttl;

	/** Start a server on a free port that holds each answer for {@code delay}; a resolver may cache it 60 s. */
	public DelayedDnsServer(Duration delay) {
		this(delay, Duration.ofSeconds(60));
	}

	/**
	 * Start a server on a free port that holds each answer for {@code delay}, with the given time to live: zero
	 * makes a long-lived resolver ask again every time, as the sample app's, which resolves on every run.
	 */
	public DelayedDnsServer(Duration delay, Duration ttl) {
		this.delay = delay;
		this.ttl = ttl;
		this.channel = new Bootstrap().group(this.group)
			.channel(NioDatagramChannel.class)
			.handler(new ChannelInitializer<DatagramChannel>() {
				@Override
				protected void initChannel(DatagramChannel channel) {
					channel.pipeline()
						.addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answerer());
				}
			})
			.bind("127.0.0.1", 0)
			.syncUninterruptibly()
			.channel();
	}

	/** The address a resolver asks this server at. */
	public InetSocketAddress address() {
		return (InetSocketAddress) this.channel.localAddress();
	}

	/** A-record queries this server answered: the ground truth for "a name was resolved". */
	public int queries() {
		return this.queries.get();
	}

	/** Points the client's resolver at this server only; each client has a resolver (and cache) of its own. */
	public HttpClient resolveWithMe(HttpClient client) {
		return client.resolver((spec) -> spec
			.dnsAddressResolverGroupProvider((builder) -> new DnsAddressResolverGroup(
					builder.nameServerProvider(new SingletonDnsServerAddressStreamProvider(address()))))
			.ndots(1)
			.queryTimeout(Duration.ofSeconds(5))
			.resolvedAddressTypes(io.netty.resolver.ResolvedAddressTypes.IPV4_ONLY));
	}

	/** Stop the server and its event loop. */
	@Override
	public void close() {
		this.channel.close().syncUninterruptibly();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
			DnsQuestion question = query.recordAt(DnsSection.QUESTION);
			DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
			response.addRecord(DnsSection.QUESTION, question);
			if (question.type() == DnsRecordType.A) {
				DelayedDnsServer.this.queries.incrementAndGet();
				response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.A,
						DelayedDnsServer.this.ttl.toSeconds(), Unpooled.wrappedBuffer(new byte[] { 127, 0, 0, 1 })));
			}
			ctx.executor().schedule(() -> ctx.writeAndFlush(response), DelayedDnsServer.this.delay.toMillis(),
					TimeUnit.MILLISECONDS);
		}

	}

}
