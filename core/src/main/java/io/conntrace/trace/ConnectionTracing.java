package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.Logger;
import reactor.util.Loggers;
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
 * Opens no connection, resolves no name and shakes no hand of its own: what it measures is the client's own.
 * It does change what the client's pool does, in these ways:
 * <ul>
 * <li>a request cancelled while queued for the pool leaves the queue at once (the pool would otherwise keep
 * it until its pending-acquire timeout or a free connection), through reactor-pool's borrower;</li>
 * <li>with {@code keepCancelledDials}, an HTTP/1.1 connection being opened for a request cancelled meanwhile
 * goes into the pool for the next request instead of being closed, by taking the place of Reactor Netty's
 * connection owner for the rest of its setup;</li>
 * <li>with {@link ConnectionEviction} as the pool's eviction predicate, a connection idle longer than its
 * server's announced {@code Keep-Alive} timeout (less a margin) is not reused;</li>
 * <li>with {@link #pendingAcquireTimer()}, the pool's acquire timeouts run on conntrace's timer, which
 * schedules them as Reactor Netty's default does;</li>
 * <li>a failed request is sent again only by the retries a framework adaptor asks for ({@link BlockingCalls},
 * the WebClient and gateway filters of the Spring Boot module), never here.</li>
 * </ul>
 * Those depend on Reactor Netty and reactor-pool internals; where one is missing, that feature is off and
 * the request goes on as without conntrace.
 * <p>
 * Create one instance per application and reuse it: Reactor Netty makes the hooks part of the pool key,
 * so clients instrumented by different instances do not share pooled connections.
 */
public final class ConnectionTracing {

	/** Marks a client (and so each of its channels) as instrumented, so instrumenting twice is harmless. */
	private static final AttributeKey<Boolean> INSTRUMENTED = AttributeKey.valueOf("conntrace.instrumented");

	private static final ConnectionTracing DEFAULT = new ConnectionTracing(ConnectionListener.NONE, true, true, null,
			FilterCheck.standard());

	private static final Logger logger = Loggers.getLogger(ConnectionTracing.class);

	/** Pools that run {@link #pendingAcquireTimer()} for every host; weak, so a disposed pool is let go. */
	private static final Set<ConnectionProvider> WAITS_TIMED = Collections
		.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private static final AtomicBoolean UNTIMED_TOLD = new AtomicBoolean();

	private static final Consumer<Connection> RESOLVE_START = (connection) -> {
		try {
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

	private final AcquireWatch waitsTimed;

	private final AcquireWatch waitsUntimed;

	/**
	 * @param filterCheck how long facts may be handed over without the observation filter running before a WARN
	 * says so (tests shorten it)
	 */
	ConnectionTracing(ConnectionListener listener, boolean spans, boolean keepCancelledDials,
			@Nullable ChannelPipelineConfigurer onNewChannel, FilterCheck filterCheck) {
		Internals.checkOnce();
		UntracedTransport untraced = new UntracedTransport();
		this.channelInit = (onNewChannel != null) ? (observer, channel, remoteAddress) -> {
			dialFor(observer, init(channel, remoteAddress, listener, untraced));
			onNewChannel.onChannelInit(observer, channel, remoteAddress);
		} : (observer, channel, remoteAddress) -> dialFor(observer, init(channel, remoteAddress, listener, untraced));
		this.observer = new ConnectionTraceObserver(listener, spans, keepCancelledDials, filterCheck);
		this.waitsTimed = new AcquireWatch(true, listener, spans);
		this.waitsUntimed = new AcquireWatch(false, listener, spans);
	}

	/**
	 * Return an instance whose clients also report to the given listener, and keep the connections opened
	 * for requests cancelled before they got them.
	 * @param listener receives every request's and connection's facts, for example to record metrics
	 * @param spans whether to write the facts onto request observations
	 * @return a new instance; keep it for the life of the application
	 */
	public static ConnectionTracing create(ConnectionListener listener, boolean spans) {
		return new ConnectionTracing(listener, spans, true, null, FilterCheck.standard());
	}

	/**
	 * Return an instance whose clients also report to the given listener.
	 * @param listener receives every request's and connection's facts, for example to record metrics
	 * @param spans whether to write the facts onto request observations
	 * @param keepCancelledDials whether a connection opened for a request that was cancelled before it got
	 * it goes into the pool for the next request (HTTP/1.1; Reactor Netty alone closes it)
	 * @return a new instance; keep it for the life of the application
	 */
	public static ConnectionTracing create(ConnectionListener listener, boolean spans, boolean keepCancelledDials) {
		return new ConnectionTracing(listener, spans, keepCancelledDials, null, FilterCheck.standard());
	}

	/**
	 * Return an instance that also runs the given hook on each new channel, inside its own channel-init hook.
	 * Reactor Netty keys its pools on a client's channel-init hooks, and a client given two gets a composite of
	 * its own, so a pool of its own: clients built one by one (a RestClient each) would not share their
	 * connections. With the hook inside conntrace's one, every client instrumented here keys alike.
	 * @param listener receives every request's and connection's facts, for example to record metrics
	 * @param spans whether to write the facts onto request observations
	 * @param keepCancelledDials whether a connection opened for a request that was cancelled before it got
	 * it goes into the pool for the next request (HTTP/1.1; Reactor Netty alone closes it)
	 * @param onNewChannel run after conntrace's own work on each new channel, for example
	 * {@code TcpKeepAlive.probes()}; {@code null} for none
	 * @return a new instance; keep it for the life of the application
	 */
	public static ConnectionTracing create(ConnectionListener listener, boolean spans, boolean keepCancelledDials,
			@Nullable ChannelPipelineConfigurer onNewChannel) {
		return new ConnectionTracing(listener, spans, keepCancelledDials, onNewChannel, FilterCheck.standard());
	}

	/**
	 * Return the pending-acquire timer that lets conntrace tell the time a request spent queued for a pool
	 * slot ({@code conntrace.pool.wait_ms}) from the time the pool spent setting up its connection
	 * ({@code conntrace.setup_ms}), and take a cancelled request out of the queue at once. It schedules the
	 * pool's acquire timeouts as Reactor Netty's default does. Set it on a pool's builder and on each of its
	 * per-host specs, then tell conntrace with {@link #waitsTimed(ConnectionProvider)}; conntrace's own pool
	 * does both. The pool runs it only while its pending-acquire timeout is positive (Reactor Netty's
	 * default, 45 s, is).
	 * @return the timer, shared by all pools
	 */
	public static BiFunction<Runnable, Duration, Disposable> pendingAcquireTimer() {
		return PendingAcquireTimer.INSTANCE;
	}

	/**
	 * Tell conntrace that the given pool runs {@link #pendingAcquireTimer()} for every host, so that its
	 * new connections' pool wait is known. Call it before instrumenting clients on that pool.
	 * @param provider a pool built with the timer
	 * @return the same pool
	 */
	public static ConnectionProvider waitsTimed(ConnectionProvider provider) {
		WAITS_TIMED.add(provider);
		return provider;
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
		ConnectionProvider provider = client.configuration().connectionProvider();
		boolean timed = provider != null && WAITS_TIMED.contains(provider);
		if (!timed && UNTIMED_TOLD.compareAndSet(false, true)) {
			logger.info("conntrace: the pool " + ((provider != null) ? "'" + provider.name() + "' " : "")
					+ "of an instrumented client does not report how long requests wait in its queue, so "
					+ "conntrace.pool.wait_ms and conntrace.setup_ms are not written on its new connections "
					+ "(see ConnectionTracing.pendingAcquireTimer(); conntrace's own pool reports them)");
		}
		return client.attr(INSTRUMENTED, Boolean.TRUE)
			.mapConnect(timed ? this.waitsTimed : this.waitsUntimed)
			.doOnChannelInit(this.channelInit)
			.doOnResolve(RESOLVE_START)
			.doAfterResolve(RESOLVE_END)
			.observe(this.observer);
	}

	/**
	 * Return a copy of the given client instrumented by this instance for callers that block on each request
	 * inside their own observation's scope (Spring's {@code RestClient} and {@code RestTemplate} over
	 * {@code ReactorClientHttpRequestFactory}): see {@link BlockingCalls}. Apply it once to a client: a client
	 * attribute that would mark it done would also part its connections from other clients' in Reactor Netty's
	 * pools, which are keyed on the attributes.
	 * @param client the client to instrument, with all its own settings
	 * @param calls what blocking callers get: their observation found, the stale retry, failure descriptions
	 * @return the instrumented client
	 */
	public HttpClient apply(HttpClient client, BlockingCalls calls) {
		// Outside conntrace's own connect hook, which then finds the observation and the record in the context.
		return apply(client).mapConnect(calls);
	}

	/**
	 * Return a copy of a Reactor context in which instrumented clients hand each request's facts to the
	 * observation the given supplier returns (asked when the request gets its connection, or is cancelled
	 * before), instead of to the one under {@code ObservationThreadLocalAccessor.KEY}. For a proxy whose own
	 * observation of the call is made only after the call is subscribed, as Spring Cloud Gateway's is: the
	 * facts belong on that CLIENT span, not on the server span around it. A supplier that returns
	 * {@code null} means the call has no observation: its facts go on no span (listeners still get them). A
	 * client whose request runs under an observation of its own, nested inside the call, keeps its own.
	 * @param context the call's context
	 * @param observation the call's observation, read when needed
	 * @return the context with the observation named
	 */
	public static Context observedBy(Context context, Supplier<@Nullable Observation> observation) {
		return context.put(RequestObservation.KEY,
				new RequestObservation(observation, context.getOrDefault(ObservationThreadLocalAccessor.KEY, null)));
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

	/**
	 * Link a new connection to the request it is opened for: the pool opens it with that request's context.
	 * A cancel then knows which phase of the dial it interrupted.
	 */
	private static void dialFor(ConnectionObserver observer, @Nullable ConnectionState state) {
		if (state == null) {
			return;
		}
		try {
			AcquireStart start = AcquireStart.of(observer.currentContext());
			if (start != null && !start.isBound()) {
				start.dial = state;
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CHANNEL_INIT, ex);
		}
	}

	static @Nullable ConnectionState init(Channel channel, SocketAddress remoteAddress, ConnectionListener listener,
			UntracedTransport untraced) {
		try {
			if (!(channel instanceof DuplexChannel)) {
				// HTTP/3 runs over QUIC on UDP: what conntrace reads off a stream socket would be wrong there.
				untraced.warnOnce(channel);
				return null;
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
			ConnectionState state = ConnectionState.attach(channel, host, port, resolvesName, listener);
			channel.pipeline().addFirst(ConnectionWatcher.NAME, ConnectionWatcher.INSTANCE);
			return state;
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CHANNEL_INIT, ex);
			return null;
		}
	}

}
