package io.conntrace.internal;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JVM-wide list of queued requests stays bounded, and says "unknown" rather than understate a wait. */
class QueuedAcquiresTests {

	@Test
	void beyondTheBoundTheLongestWaitIsUnknownUntilTheUnlistedOnesLeave() {
		long start = System.nanoTime() - 1_000_000_000L;
		Queued oldest = new Queued(start, "a:1");
		assertThat(QueuedAcquires.add(oldest)).isTrue();
		List<Queued> listed = new ArrayList<>();
		for (int i = 1; i < QueuedAcquires.MAX_LISTED; i++) {
			Queued queued = new Queued(System.nanoTime(), "b:2");
			assertThat(QueuedAcquires.add(queued)).isTrue();
			listed.add(queued);
		}
		Queued unlisted = new Queued(System.nanoTime(), "a:1");
		try {
			assertThat(QueuedAcquires.longestWaitNanos("a", 1)).isGreaterThanOrEqualTo(1_000_000_000L);
			assertThat(QueuedAcquires.add(unlisted)).isFalse();
			assertThat(QueuedAcquires.longestWaitNanos("a", 1)).isEqualTo(QueuedAcquires.UNKNOWN);
			QueuedAcquires.remove(unlisted, false);
			assertThat(QueuedAcquires.longestWaitNanos("a", 1)).isGreaterThanOrEqualTo(1_000_000_000L);
		}
		finally {
			QueuedAcquires.remove(oldest, true);
			listed.forEach((queued) -> QueuedAcquires.remove(queued, true));
		}
		assertThat(QueuedAcquires.longestWaitNanos("a", 1)).isEqualTo(-1);
		assertThat(QueuedAcquires.longestWaitNanos("b", 2)).isEqualTo(-1);
	}

	private record Queued(long since, String server) implements QueuedAcquires.Entry {

		@Override
		public boolean isFor(String server) {
			return this.server.equals(server);
		}

	}

}
