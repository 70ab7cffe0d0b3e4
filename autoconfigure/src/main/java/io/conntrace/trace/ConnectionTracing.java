package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import io.netty.channel.Channel;
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
 * {@code contextWrite(Context.of(ObservationThreadLocalAccessor.KEY, observation))}.
 * <p>
 * Adds nothing that opens connections, resolves names or handshakes: it only watches the client's own.
 */
public final class ConnectionTracing {

	/** Marks a client (and so each of its channels) as instrumented, so instrumenting twice is harmless. */
	private static final AttributeKey<Boolean> INSTRUMENTED = AttributeKey.valueOf("conntrace.instrumented");

	// Each hook is one shared instance: Reactor Netty makes them part of the pool key.

	private static final Function<Mono<? extends Connection>, Mono<? extends Connection>> ACQUIRE_START = (
			connect) -> Mono.defer(() -> {
				try {
					Guard.check(Hook.ACQUIRE_START);
					return connect.contextWrite(Context.of(AcquireStart.KEY, new AcquireStart(System.nanoTime())));
				}
				catch (Throwable ex) {
					Guard.failed(Hook.ACQUIRE_START, ex);
					return connect;
				}
			});

	private static final ChannelPipelineConfigurer CHANNEL_INIT = (observer, channel, remoteAddress) -> {
		try {
			Guard.check(Hook.CHANNEL_INIT);
			ConnectionState.attach(channel, resolvesName(remoteAddress));
			channel.pipeline().addFirst(PhaseTimer.NAME, PhaseTimer.INSTANCE);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CHANNEL_INIT, ex);
		}
	};

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
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.RESOLVE_END, ex);
		}
	};

	private ConnectionTracing() {
	}

	/**
	 * Return a copy of the given client that records connection facts for every request. Calling it
	 * on a client that is already instrumented returns that client unchanged.
	 * @param client the client to instrument, with all its own settings
	 * @return the instrumented client
	 */
	public static HttpClient instrument(HttpClient client) {
		if (client.configuration().attributes().containsKey(INSTRUMENTED)) {
			return client;
		}
		return client.attr(INSTRUMENTED, Boolean.TRUE)
			.mapConnect(ACQUIRE_START)
			.doOnChannelInit(CHANNEL_INIT)
			.doOnResolve(RESOLVE_START)
			.doAfterResolve(RESOLVE_END)
			.observe(ConnectionTraceObserver.INSTANCE);
	}

	/**
	 * Return whether the given channel belongs to a client instrumented by {@link #instrument}.
	 * @param channel a client channel
	 * @return {@code true} if conntrace records this channel's facts
	 */
	public static boolean isInstrumented(Channel channel) {
		return channel.hasAttr(INSTRUMENTED);
	}

	private static boolean resolvesName(SocketAddress remoteAddress) {
		if (!(remoteAddress instanceof InetSocketAddress address) || !address.isUnresolved()) {
			return false;
		}
		String host = address.getHostString();
		return !NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host);
	}

}
