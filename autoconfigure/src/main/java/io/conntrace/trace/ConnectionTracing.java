package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import io.micrometer.observation.ObservationFilter;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import reactor.core.publisher.Mono;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.Context;

/**
 * Instruments a Reactor Netty {@link HttpClient} so that every request it sends carries, on its own
 * Micrometer observation, the facts of the connection it really used: reuse, idle time, pool wait,
 * and for a new connection the DNS, connect and TLS times (see {@link ConnectionSpanAttributes}).
 * <p>
 * Spring's WebClient puts its request observation into the Reactor context, which is where conntrace
 * finds it; a plain Reactor Netty user does the same with
 * {@code contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, observation))}. The facts reach
 * the span when the observation stops, through {@link #observationFilter()}, which must be registered
 * on the observation registry (conntrace's Spring Boot auto-configuration does so).
 * <p>
 * Adds nothing that opens connections, resolves names or handshakes: it only watches the client's own.
 * Create one instance per application and reuse it: Reactor Netty makes the hooks part of the pool key,
 * so clients instrumented by different instances do not share pooled connections.
 */
public final class ConnectionTracing {

	/** Marks a client (and so each of its channels) as instrumented, so instrumenting twice is harmless. */
	private static final AttributeKey<Boolean> INSTRUMENTED = AttributeKey.valueOf("conntrace.instrumented");

	private static final ConnectionTracing DEFAULT = new ConnectionTracing(ConnectionListener.NONE, true);

	/** Runs at subscription, when the request asks the pool: the start of its acquire. */
	private static final Function<Context, Context> STAMP_ACQUIRE_START = (context) -> {
		try {
			Guard.check(Hook.ACQUIRE_START);
			return context.put(AcquireStart.KEY, new AcquireStart(System.nanoTime()));
		}
		catch (Throwable ex) {
			Guard.failed(Hook.ACQUIRE_START, ex);
			return context;
		}
	};

	private static final Function<Mono<? extends Connection>, Mono<? extends Connection>> ACQUIRE_START = (
			connect) -> connect.contextWrite(STAMP_ACQUIRE_START);

	private static final Consumer<Connection> RESOLVE_START = (connection) -> {
		try {
			Guard.check(Hook.RESOLVE_START);
			ConnectionState state = ConnectionState.of(connection.channel());
			if (state != null) {
				state.resolveStart = System.nanoTime();
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.RESOLVE_START, ex);
		}
	};

	private static final BiConsumer<Connection, SocketAddress> RESOLVE_END = (connection, address) -> {
		try {
			Guard.check(Hook.RESOLVE_END);
			ConnectionState state = ConnectionState.of(connection.channel());
			if (state != null) {
				state.resolveEnd = System.nanoTime();
				long dns = state.dnsNanos();
				if (dns >= 0) {
					state.listener.nameResolved(state.host, state.port, dns);
				}
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.RESOLVE_END, ex);
		}
	};

	private final ChannelPipelineConfigurer channelInit;

	private final ConnectionTraceObserver observer;

	private ConnectionTracing(ConnectionListener listener, boolean spans) {
		this.channelInit = (observer, channel, remoteAddress) -> init(channel, remoteAddress, listener);
		this.observer = new ConnectionTraceObserver(listener, spans);
	}

	/**
	 * Return an instance whose clients also report to the given listener.
	 * @param listener receives every request's and connection's facts, for example to record metrics
	 * @param spans whether to write the facts onto request observations
	 * @return a new instance; keep it for the life of the application
	 */
	public static ConnectionTracing create(ConnectionListener listener, boolean spans) {
		return new ConnectionTracing(listener, spans);
	}

	/**
	 * Return a copy of the given client that records connection facts on every request's observation.
	 * Calling it on a client that is already instrumented returns that client unchanged.
	 * @param client the client to instrument, with all its own settings
	 * @return the instrumented client
	 */
	public static HttpClient instrument(HttpClient client) {
		return DEFAULT.apply(client);
	}

	/**
	 * Return a copy of the given client instrumented by this instance. Calling it on a client that is
	 * already instrumented returns that client unchanged.
	 * @param client the client to instrument, with all its own settings
	 * @return the instrumented client
	 */
	public HttpClient apply(HttpClient client) {
		if (client.configuration().attributes().containsKey(INSTRUMENTED)) {
			return client;
		}
		return client.attr(INSTRUMENTED, Boolean.TRUE)
			.mapConnect(ACQUIRE_START)
			.doOnChannelInit(this.channelInit)
			.doOnResolve(RESOLVE_START)
			.doAfterResolve(RESOLVE_END)
			.observe(this.observer);
	}

	/**
	 * Return the filter that writes each request's connection facts onto its span as its observation
	 * stops. Register it once on the registry whose observations the instrumented clients run under:
	 * {@code registry.observationConfig().observationFilter(ConnectionTracing.observationFilter())}.
	 * Facts are written at the end rather than when the request gets its connection because a later hop
	 * (a redirect, a retry) replaces them, and a span's tags cannot be taken back.
	 * @return the filter, shared by all instances
	 */
	public static ObservationFilter observationFilter() {
		return ConnectionSpanFilter.INSTANCE;
	}

	/**
	 * Return whether the given channel belongs to a client instrumented by conntrace.
	 * @param channel a client channel
	 * @return {@code true} if conntrace records this channel's facts
	 */
	public static boolean isInstrumented(Channel channel) {
		return channel.hasAttr(INSTRUMENTED);
	}

	static void init(Channel channel, SocketAddress remoteAddress, ConnectionListener listener) {
		try {
			Guard.check(Hook.CHANNEL_INIT);
			if (!(channel instanceof DuplexChannel)) {
				// HTTP/3 runs over QUIC on UDP: what conntrace reads off a stream socket would be wrong there.
				UntracedTransport.warnOnce(channel);
				return;
			}
			String host = "";
			int port = 0;
			boolean resolvesName = false;
			if (remoteAddress instanceof InetSocketAddress address) {
				host = address.getHostString();
				port = address.getPort();
				resolvesName = address.isUnresolved() && !NetUtil.isValidIpV4Address(host)
						&& !NetUtil.isValidIpV6Address(host);
			}
			ConnectionState.attach(channel, host, port, resolvesName, listener);
			channel.pipeline().addFirst(ConnectionWatcher.NAME, ConnectionWatcher.INSTANCE);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CHANNEL_INIT, ex);
		}
	}

}
