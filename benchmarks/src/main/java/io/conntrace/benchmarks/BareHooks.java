package io.conntrace.benchmarks;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.Context;

import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * The floor under conntrace: hooks of the kinds conntrace puts on a request's path, doing nothing. A
 * WebClient filter that is an operator of its own, a connect operator ({@code mapConnect}), a connection
 * observer and a channel-init hook, each one instance (Reactor Netty makes hooks part of the pool key). What
 * a context with these costs beyond {@code off} is what hooking into the path costs before any work.
 */
final class BareHooks {

	/**
	 * Whether the hooks count their calls, for the smoke test to see them run
	 * ({@code -Dbenchmark.bare-hooks.counted=true}); a constant, so a measured run pays nothing for it.
	 */
	private static final boolean COUNTED = Boolean.getBoolean("benchmark.bare-hooks.counted");

	static final LongAdder filtered = new LongAdder();

	static final LongAdder connects = new LongAdder();

	static final LongAdder states = new LongAdder();

	static final ExchangeFilterFunction FILTER = (request, next) -> new PassThrough<ClientResponse>(
			next.exchange(request), filtered);

	private static final Function<Mono<? extends Connection>, Mono<? extends Connection>> CONNECT = (
			connect) -> new PassThrough<>(connect, connects);

	private static final ChannelPipelineConfigurer CHANNEL_INIT = (observer, channel, address) -> {
	};

	private static final ConnectionObserver OBSERVER = (connection, state) -> {
		if (COUNTED) {
			states.increment();
		}
	};

	private BareHooks() {
	}

	/**
	 * The parts a floor context may have ({@code boot-cost.floor}): {@code all}; the filter; the client's
	 * hooks, or one kind of them: the connect operator, or the observer with the channel-init hook.
	 */
	static final List<String> PARTS = List.of("all", "filter", "client", "connect", "observer");

	/** Whether these parts include the filter. */
	static boolean filters(String parts) {
		return parts.equals("all") || parts.equals("filter");
	}

	/** Put the client's hooks these parts include on. */
	static HttpClient apply(HttpClient client, String parts) {
		HttpClient hooked = client;
		if (List.of("all", "client", "connect").contains(parts)) {
			hooked = hooked.mapConnect(CONNECT);
		}
		if (List.of("all", "client", "observer").contains(parts)) {
			hooked = hooked.observe(OBSERVER).doOnChannelInit(CHANNEL_INIT);
		}
		return hooked;
	}

	/**
	 * An operator that passes every signal on, as conntrace's own operators do around their work. Its
	 * subscriber forwards by hand as core's {@code AcquireWatch} and {@code ResendOnce} do: reusing theirs would
	 * add their fields and volatile writes, and the floor would no longer be hooks that do nothing.
	 */
	private static final class PassThrough<T> extends MonoOperator<T, T> {

		private final LongAdder subscriptions;

		PassThrough(Mono<? extends T> source, LongAdder subscriptions) {
			super(source);
			this.subscriptions = subscriptions;
		}

		@Override
		public void subscribe(CoreSubscriber<? super T> actual) {
			if (COUNTED) {
				this.subscriptions.increment();
			}
			this.source.subscribe(new Forward<>(actual, actual.currentContext()));
		}

	}

	private static final class Forward<T> implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private final Context context;

		private Subscription upstream;

		Forward(CoreSubscriber<? super T> actual, Context context) {
			this.actual = actual;
			this.context = context;
		}

		@Override
		public Context currentContext() {
			return this.context;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
		}

		@Override
		public void onNext(T value) {
			this.actual.onNext(value);
		}

		@Override
		public void onError(Throwable error) {
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			this.upstream.cancel();
		}

	}

}
