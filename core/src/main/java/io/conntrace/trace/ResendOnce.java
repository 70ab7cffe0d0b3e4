package io.conntrace.trace;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.util.context.Context;

/**
 * One subscription of a request that may be sent once more: it passes the request's signals on to its
 * subscriber until the request fails, then asks {@link #resendAfter} whether to send it again. A second
 * attempt takes the first one's place: the demand already signalled and a cancel go to it. One operator of
 * its own rather than {@code onErrorResume}: every request passes through here, and one that succeeds
 * should pay for one subscriber. conntrace's stale-connection retries (WebClient's filter, blocking calls)
 * are built on it.
 * @param <T> what the request emits
 */
public abstract class ResendOnce<T> implements CoreSubscriber<T>, Subscription {

	private final CoreSubscriber<? super T> actual;

	private final Context context;

	private volatile @Nullable Subscription upstream;

	private volatile boolean requested;

	private volatile boolean cancelled;

	private boolean resent;

	/**
	 * Follow one subscription.
	 * @param actual the request's subscriber
	 * @param context the context the first attempt runs with
	 */
	protected ResendOnce(CoreSubscriber<? super T> actual, Context context) {
		this.actual = actual;
		this.context = context;
	}

	/**
	 * Decide, on the first attempt's failure, whether to send the request again. What it throws counts as a
	 * {@code null}; the second attempt's source must not throw when subscribed (defer what could).
	 * @param error the first attempt's error
	 * @return the second attempt, {@code null} to fail with the error
	 */
	protected abstract @Nullable Again<T> resendAfter(Throwable error);

	/**
	 * Called just before the final error goes to the subscriber: the first attempt's when it was not sent
	 * again, else the second's. Must not throw.
	 * @param error the error the caller gets
	 * @param afterResend whether the request had been sent again
	 */
	protected abstract void failing(Throwable error, boolean afterResend);

	/**
	 * Return whether the request was sent again.
	 * @return whether a second attempt was subscribed
	 */
	protected final boolean resent() {
		return this.resent;
	}

	@Override
	public final Context currentContext() {
		return this.context;
	}

	@Override
	public final void onSubscribe(Subscription subscription) {
		this.upstream = subscription;
		this.actual.onSubscribe(this);
	}

	@Override
	public final void onNext(T value) {
		this.actual.onNext(value);
	}

	@Override
	public final void onError(Throwable error) {
		if (!this.resent && !this.cancelled) {
			Again<T> again;
			try {
				again = resendAfter(error);
			}
			catch (Throwable ex) {
				// Whatever went wrong deciding, the caller gets the request's own error.
				again = null;
			}
			if (again != null) {
				this.resent = true;
				again.source().subscribe(new Second<>(this, again.context()));
				return;
			}
		}
		fail(error);
	}

	private void fail(Throwable error) {
		failing(error, this.resent);
		this.actual.onError(error);
	}

	@Override
	public final void onComplete() {
		this.actual.onComplete();
	}

	@Override
	public final void request(long n) {
		this.requested = true;
		Subscription upstream = this.upstream;
		if (upstream != null) {
			upstream.request(n);
		}
	}

	@Override
	public final void cancel() {
		this.cancelled = true;
		Subscription upstream = this.upstream;
		if (upstream != null) {
			upstream.cancel();
		}
	}

	/** The second attempt took the first one's place: demand and a cancel already signalled go to it. */
	private void secondSubscribed(Subscription subscription) {
		this.upstream = subscription;
		if (this.cancelled) {
			subscription.cancel();
		}
		else if (this.requested) {
			subscription.request(Long.MAX_VALUE);
		}
	}

	/**
	 * A second attempt: what to subscribe and the context it runs with.
	 * @param <T> what the request emits
	 * @param source the request, to subscribe again
	 * @param context the second attempt's context
	 */
	public record Again<T>(Publisher<? extends T> source, Context context) {
	}

	/** Receives the second attempt's signals for its {@link ResendOnce}. */
	private static final class Second<T> implements CoreSubscriber<T> {

		private final ResendOnce<T> first;

		private final Context context;

		Second(ResendOnce<T> first, Context context) {
			this.first = first;
			this.context = context;
		}

		@Override
		public Context currentContext() {
			return this.context;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.first.secondSubscribed(subscription);
		}

		@Override
		public void onNext(T value) {
			this.first.actual.onNext(value);
		}

		@Override
		public void onError(Throwable error) {
			this.first.fail(error);
		}

		@Override
		public void onComplete() {
			this.first.actual.onComplete();
		}

	}

}
