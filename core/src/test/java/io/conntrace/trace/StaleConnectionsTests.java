package io.conntrace.trace;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What makes a failed attempt stale: it ran on a reused connection that had sat idle, and no response
 * byte arrived. An HTTP/2 stream that opened beside others on a busy connection has no idle time.
 */
class StaleConnectionsTests {

	private final ConnectionState state = ConnectionState.attach(new EmbeddedChannel(), "127.0.0.1", 80, false,
			ConnectionListener.NONE);

	@Test
	void reusedIdleConnectionWithoutResponseIsStale() {
		assertThat(StaleConnections.isStale(attempt(true, 1_000_000))).isTrue();
	}

	@Test
	void streamBesideOthersOnABusyConnectionIsNotStale() {
		assertThat(StaleConnections.isStale(attempt(true, -1))).isFalse();
	}

	@Test
	void newConnectionOrStartedResponseIsNotStale() {
		assertThat(StaleConnections.isStale(attempt(false, -1))).isFalse();
		RequestAttempts started = attempt(true, 1_000_000);
		started.markResponseStarted();
		assertThat(StaleConnections.isStale(started)).isFalse();
	}

	private RequestAttempts attempt(boolean reused, long idleNanos) {
		RequestAttempts attempts = new RequestAttempts();
		attempts.bound(this.state, reused, idleNanos, idleNanos, null);
		return attempts;
	}

}
