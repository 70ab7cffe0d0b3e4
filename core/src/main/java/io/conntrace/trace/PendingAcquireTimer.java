package io.conntrace.trace;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.conntrace.internal.QueuedAcquires;
import org.jspecify.annotations.Nullable;
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
			AcquireStart start = startOf(borrower);
			if (start == null || start.isBound() || !(borrower instanceof Subscription subscription)) {
				return timer;
			}
			start.waitStarted(subscription);
			Wait wait = new Wait(timer, start);
			wait.listed = QueuedAcquires.add(wait);
			return wait;
		}
		catch (Throwable ex) {
			Guard.failed(Hook.WAIT, ex);
			return timer;
		}
	}

	private static AcquireStart startOf(Runnable borrower) {
		Object actual = Scannable.from(borrower).scanUnsafe(Scannable.Attr.ACTUAL);
		return (actual instanceof CoreSubscriber<?> subscriber)
				? AcquireStart.of(subscriber.currentContext()) : null;
	}

	/** Disposed by the pool when the wait ends, however it ends. */
	private static final class Wait implements Disposable, QueuedAcquires.Entry {

		private final Disposable timer;

		final AcquireStart start;

		private final long since = System.nanoTime();

		private volatile boolean disposed;

		/** Whether {@link QueuedAcquires} lists it; set before the pool can dispose it. */
		private volatile boolean listed;

		/** The request's server as {@code host:port}, found on the first read only: "" if it cannot be told. */
		private volatile @Nullable String server;

		Wait(Disposable timer, AcquireStart start) {
			this.timer = timer;
			this.start = start;
		}

		@Override
		public void dispose() {
			if (!this.disposed) {
				this.disposed = true;
				QueuedAcquires.remove(this, this.listed);
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
		public long since() {
			return this.since;
		}

		@Override
		public boolean isFor(String server) {
			String own = this.server;
			if (own == null) {
				URI uri = RequestTarget.uri(RequestTarget.of(this.start.connect));
				own = (uri != null) ? RequestServer.host(uri) + ":" + RequestServer.port(uri) : "";
				this.server = own;
			}
			return own.equals(server);
		}

		@Override
		public boolean isDisposed() {
			return this.disposed;
		}

	}

}
