package io.conntrace.trace;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.util.context.Context;

/**
 * Gives a connection opened for a request that was cancelled meanwhile to the pool, instead of letting
 * Reactor Netty hand it to the cancelled request, which closes it. The release must wait until Reactor
 * Netty has finished setting the connection up ({@code channelActive}: {@code CONNECTED}, then the
 * request's channel operations, then {@code CONFIGURED}): released at {@code CONNECTED}, the pool could
 * give it at once to a queued request, whose request the rest of that setup would then send a second
 * time. So at {@code CONNECTED} this takes the place of the connection's owner (the cancelled request's
 * acquire, which Reactor Netty keeps in a channel attribute by this name), and at the {@code CONFIGURED}
 * that ends the setup it releases the connection, as a finished request does, instead of handing it over.
 */
final class KeptDial implements ConnectionObserver {

	/** Reactor Netty's pooled-connection owner; its name is all that identifies it. */
	private static final AttributeKey<ConnectionObserver> OWNER = AttributeKey.valueOf("connectionOwner");

	private final ConnectionObserver previous;

	private final Connection pooled;

	private final ConnectionState state;

	private KeptDial(ConnectionObserver previous, Connection pooled, ConnectionState state) {
		this.previous = previous;
		this.pooled = pooled;
		this.state = state;
	}

	/**
	 * Take over a connection being set up for a cancelled request, so it is released when set up.
	 * @param connection the pooled connection, at {@code CONNECTED}
	 * @return whether it was taken over; if not, Reactor Netty goes on as without conntrace
	 */
	static boolean keep(Connection connection, ConnectionState state) {
		Channel channel = connection.channel();
		if (!(connection instanceof ConnectionObserver) || !channel.isActive()) {
			return false;
		}
		@Nullable ConnectionObserver owner = channel.attr(OWNER).get();
		if (owner == null) {
			return false;
		}
		if (!channel.attr(OWNER).compareAndSet(owner, new KeptDial(owner, connection, state))) {
			return false;
		}
		state.keptDial = true;
		return true;
	}

	@Override
	public void onStateChange(Connection connection, State newState) {
		if (newState == State.CONFIGURED) {
			try {
				// The setup is over: release as a finished request does. The next request's idle time starts now,
				// before the pool may hand the connection on.
				this.state.released = System.nanoTime();
				((ConnectionObserver) this.pooled).onStateChange(this.pooled, State.DISCONNECTING);
			}
			catch (Throwable ex) {
				// As without conntrace: the owner it replaced, the cancelled request, gets the end of the setup.
				Guard.failed(Hook.CONFIGURED, ex);
				this.previous.onStateChange(connection, newState);
			}
			return;
		}
		if (newState == State.RELEASED) {
			// The release above, told back to the owner it replaced: the cancelled request never had the
			// connection, and its idle time started above. By now the pool may have handed it on.
			return;
		}
		this.previous.onStateChange(connection, newState);
	}

	@Override
	public void onUncaughtException(Connection connection, Throwable error) {
		this.previous.onUncaughtException(connection, error);
	}

	@Override
	public Context currentContext() {
		return this.previous.currentContext();
	}

}
