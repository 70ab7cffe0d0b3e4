package io.conntrace.trace;

import java.util.function.Function;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.netty.Connection;
import reactor.util.context.Context;

/**
 * Wraps a client's connect ({@code mapConnect}): at subscription, when the request asks the pool, it puts
 * the request's {@link AcquireStart} into its context; on a cancel before the request was bound to a
 * connection (a {@code timeout()}, a client gone), it takes a queued request out of the pool's queue,
 * records where the acquire was ({@link CancelledAcquire}) and tells the listener. One instance per
 * {@link ConnectionTracing} and kind of pool: Reactor Netty makes it part of the pool key.
 */
final class AcquireWatch implements Function<Mono<? extends Connection>, Mono<? extends Connection>> {

	private final boolean waitsTimed;

	private final ConnectionListener listener;

	private final boolean spans;

	AcquireWatch(boolean waitsTimed, ConnectionListener listener, boolean spans) {
		this.waitsTimed = waitsTimed;
		this.listener = listener;
		this.spans = spans;
	}

	@Override
	public Mono<? extends Connection> apply(Mono<? extends Connection> connect) {
		return new Watched(connect, this);
	}

	/** Runs when the request is cancelled; the request's own cancel goes on whatever happens here. */
	private void cancelled(@Nullable AcquireStart start, Context context, Mono<? extends Connection> connect) {
		try {
			if (start == null || !start.cancel()) {
				return;
			}
			long now = System.nanoTime();
			// A queued request would otherwise stay in the queue, holding a place, until a connection came and
			// Reactor Netty closed it for want of a request. Not under HTTP/2: a wait in the pool of connections
			// is then the HTTP/2 pool's own acquisition, shared by the streams waiting for that connection.
			Subscription borrower = start.takePendingBorrower();
			if (borrower != null && !start.mayUseHttp2()) {
				borrower.cancel();
			}
			Observation observation = RequestObservation.of(context);
			boolean live = observation != null && !observation.isNoop();
			boolean spanned = live && SpanFacts.spanned(observation, this.spans);
			CancelledAcquire facts = new CancelledAcquire(start, now,
					(start.dial == null) ? RequestTarget.of(connect) : null, spanned);
			tellListener(facts);
			if (live && (spanned || RequestLog.wanted(observation))) {
				observation.getContext().put(CancelledAcquire.KEY, facts);
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CANCEL, ex);
		}
	}

	private void tellListener(CancelledAcquire facts) {
		try {
			this.listener.acquireCancelled(facts.host(), facts.port(), facts.phase());
		}
		catch (Throwable ex) {
			Guard.failed(Hook.CANCEL, ex);
		}
	}

	private static final class Watched extends MonoOperator<Connection, Connection> {

		private final AcquireWatch watch;

		Watched(Mono<? extends Connection> source, AcquireWatch watch) {
			super(source);
			this.watch = watch;
		}

		Mono<? extends Connection> source() {
			return this.source;
		}

		@Override
		public void subscribe(CoreSubscriber<? super Connection> actual) {
			AcquireStart start = null;
			Context context = actual.currentContext();
			try {
				start = new AcquireStart(System.nanoTime(), this.watch.waitsTimed, this.source);
				RequestAttempts attempts = RequestAttempts.of(context);
				if (attempts == null || !attempts.claim(start)) {
					context = context.put(AcquireStart.KEY, start);
				}
			}
			catch (Throwable ex) {
				Guard.failed(Hook.ACQUIRE_START, ex);
			}
			this.source.subscribe(new Watcher(actual, context, start, this));
		}

	}

	private static final class Watcher implements CoreSubscriber<Connection>, Subscription {

		private final CoreSubscriber<? super Connection> actual;

		private final Context context;

		private final @Nullable AcquireStart start;

		private final Watched watched;

		private @Nullable Subscription upstream;

		/** Set by a terminal signal: a cancel after it cancels nothing. */
		private volatile boolean done;

		Watcher(CoreSubscriber<? super Connection> actual, Context context, @Nullable AcquireStart start,
				Watched watched) {
			this.actual = actual;
			this.context = context;
			this.start = start;
			this.watched = watched;
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
		public void onNext(Connection connection) {
			this.actual.onNext(connection);
		}

		@Override
		public void onError(Throwable error) {
			this.done = true;
			this.actual.onError(error);
		}

		@Override
		public void onComplete() {
			this.done = true;
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			Subscription upstream = this.upstream;
			if (upstream != null) {
				upstream.request(n);
			}
		}

		@Override
		public void cancel() {
			if (!this.done) {
				this.watched.watch.cancelled(this.start, this.context, this.watched.source());
			}
			Subscription upstream = this.upstream;
			if (upstream != null) {
				upstream.cancel();
			}
		}

	}

}
