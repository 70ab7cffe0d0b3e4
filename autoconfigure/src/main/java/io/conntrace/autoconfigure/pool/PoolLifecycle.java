package io.conntrace.autoconfigure.pool;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.conntrace.trace.ConnectionListener;
import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * A pool conntrace built, disposed with the application context as a lifecycle in {@link #PHASE}: after
 * the web server's graceful shutdown (whose requests may still call out) and before Spring's
 * {@code ReactorResourceFactory} (phase 0) shuts down the event loops the pool's connections run on, so
 * they close through the pool and are counted as disposed. Its listener is told first. Only a context
 * that is closing disposes it, once. A context stopped to be started again (Spring Cloud's pause and resume)
 * keeps the pool, since the clients built on it cannot be given another, and its listener is not told. The
 * stop drops the pool's HTTP/1.1 per-server pools, which Reactor Netty disposes in the background, closing their
 * idle connections, so that the start does not leave them behind: Reactor Netty keys them on the event loops,
 * which {@code ReactorResourceFactory}'s stop replaces, closing every connection on the old ones (HTTP/2's
 * included). A pool whose servers this lifecycle is not told of ({@link #releasable}) keeps them.
 */
public abstract class PoolLifecycle implements SmartLifecycle, DisposableBean, ApplicationContextAware {

	/** Stops before phase 0, Spring's {@code ReactorResourceFactory}, and after everything above. */
	static final int PHASE = 1;

	private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(10);

	private final ConnectionListener listener;

	private volatile boolean running;

	private final AtomicBoolean disposed = new AtomicBoolean();

	private @Nullable ApplicationContext context;

	/** The remote addresses of the pool's per-server pools now, with how many each has (HTTP/1.1 and HTTP/2). */
	private final Map<SocketAddress, Integer> remotes = new ConcurrentHashMap<>();

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
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	/**
	 * The pool's registrar, telling this lifecycle which servers the pool has connections pools for, so that a
	 * stop can close their connections.
	 * @param registrar the registrar of the pool's gauges, {@code null} for none
	 * @return the registrar to give the pool (and each of its per-host specs)
	 */
	protected final ConnectionProvider.MeterRegistrar releasable(ConnectionProvider.@Nullable MeterRegistrar registrar) {
		return new ConnectionProvider.MeterRegistrar() {

			@Override
			public void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
					ConnectionPoolMetrics metrics) {
				PoolLifecycle.this.remotes.merge(remoteAddress, 1, Integer::sum);
				if (registrar != null) {
					registrar.registerMetrics(poolName, id, remoteAddress, metrics);
				}
			}

			@Override
			public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
				PoolLifecycle.this.remotes.computeIfPresent(remoteAddress, (address, pools) -> (pools > 1) ? pools - 1 : null);
				if (registrar != null) {
					registrar.deRegisterMetrics(poolName, id, remoteAddress);
				}
			}

		};
	}

	@Override
	public void stop() {
		this.running = false;
		// A closing context is marked closed before its lifecycles stop.
		if (this.context instanceof ConfigurableApplicationContext owner && owner.isClosed()) {
			dispose();
		}
		else {
			release();
		}
	}

	/** Drops the per-server pools, which Reactor Netty disposes in the background; new ones open on demand. */
	private void release() {
		ConnectionProvider provider = disposable();
		if (provider == null) {
			return;
		}
		for (SocketAddress remote : List.copyOf(this.remotes.keySet())) {
			provider.disposeWhen(remote);
		}
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

	/**
	 * Once: Reactor Netty's {@code isDisposed()} is also true for a pool that merely has no per-server pool left
	 * (after a stop), whose HTTP/2 providers only {@code disposeLater()} disposes.
	 */
	private void dispose() {
		ConnectionProvider provider = disposable();
		if (provider == null || !this.disposed.compareAndSet(false, true)) {
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
