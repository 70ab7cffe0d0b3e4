package io.conntrace.autoconfigure.pool;

import java.time.Duration;

import io.conntrace.trace.ConnectionListener;
import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * A pool conntrace built, disposed with the application context as a lifecycle in {@link #PHASE}: after
 * the web server's graceful shutdown (whose requests may still call out) and before Spring's
 * {@code ReactorResourceFactory} (phase 0) shuts down the event loops the pool's connections run on, so
 * they close through the pool and are counted as disposed. Its listener is told first.
 */
public abstract class PoolLifecycle implements SmartLifecycle, DisposableBean {

	/** Stops before phase 0, Spring's {@code ReactorResourceFactory}, and after everything above. */
	static final int PHASE = 1;

	private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(10);

	private final ConnectionListener listener;

	private volatile boolean running;

	/**
	 * Dispose a pool with the context.
	 * @param listener the listener of the pool's connections
	 */
	protected PoolLifecycle(ConnectionListener listener) {
		this.listener = listener;
	}

	/**
	 * The pool to dispose.
	 * @return the pool, {@code null} if none was built
	 */
	protected abstract @Nullable ConnectionProvider disposable();

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		dispose();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** A context closed before it started, or refreshed without a lifecycle, still frees the pool. */
	@Override
	public void destroy() {
		dispose();
	}

	private void dispose() {
		ConnectionProvider provider = disposable();
		if (provider == null || provider.isDisposed()) {
			return;
		}
		try {
			this.listener.poolDisposing();
		}
		catch (RuntimeException ex) {
			// The listener's trouble must not keep the pool open.
		}
		provider.disposeLater().block(DISPOSE_TIMEOUT);
	}

}
