package io.conntrace.trace;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Scannable;
import reactor.core.scheduler.Schedulers;

/**
 * The pool's pending-acquire timer, as Reactor Netty's pool runs it by default, that also tells the
 * request how long it was queued. The pool starts it exactly when a request finds no idle connection and
 * no permit to open one (HTTP/2: no stream slot), and disposes it when the request is served, gives up
 * or is cancelled: the pool's own definition of waiting, which setting up a pool or a channel never
 * meets. The borrower the pool hands over is the queued request: its subscriber's context holds the
 * request's {@link AcquireStart}. Only queued requests pay for this.
 */
final class PendingAcquireTimer implements BiFunction<Runnable, Duration, Disposable> {

	static final PendingAcquireTimer INSTANCE = new PendingAcquireTimer();

	private PendingAcquireTimer() {
	}

	@Override
	public Disposable apply(Runnable borrower, Duration timeout) {
		Disposable timer = Schedulers.parallel().schedule(borrower, timeout.toNanos(), TimeUnit.NANOSECONDS);
		try {
			Guard.check(Hook.WAIT);
			AcquireStart start = startOf(borrower);
			if (start == null || start.isBound() || !(borrower instanceof Subscription subscription)) {
				return timer;
			}
			start.waitStarted(subscription);
			return new Wait(timer, start);
		}
		catch (Throwable ex) {
			Guard.failed(Hook.WAIT, ex);
			return timer;
		}
	}

	private static AcquireStart startOf(Runnable borrower) {
		Object actual = Scannable.from(borrower).scanUnsafe(Scannable.Attr.ACTUAL);
		return (actual instanceof CoreSubscriber<?> subscriber)
				? subscriber.currentContext().getOrDefault(AcquireStart.KEY, null) : null;
	}

	/** Disposed by the pool when the wait ends, however it ends. */
	private static final class Wait implements Disposable {

		private final Disposable timer;

		private final AcquireStart start;

		private volatile boolean disposed;

		Wait(Disposable timer, AcquireStart start) {
			this.timer = timer;
			this.start = start;
		}

		@Override
		public void dispose() {
			if (!this.disposed) {
				this.disposed = true;
				try {
					this.start.waitEnded();
				}
				catch (Throwable ex) {
					Guard.failed(Hook.WAIT, ex);
				}
			}
			this.timer.dispose();
		}

		@Override
		public boolean isDisposed() {
			return this.disposed;
		}

	}

}
