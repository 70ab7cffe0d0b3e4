package io.conntrace.trace;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The internals conntrace changes the pool through are where this Reactor Netty keeps them, and a missing one
 * would be said in one line naming the feature that is off and what was tested.
 */
class InternalsTests {

	@Test
	void thisReactorNettyHasEveryInternal() {
		assertThat(Internals.missing()).isEmpty();
	}

	@Test
	void aMissingInternalIsSaidOnceWithTheFeatureAndTheTestedVersions() {
		List<String> lines = Internals.lines(EnumSet.of(Internals.Internal.CONNECTION_OWNER), "1.4.0");
		assertThat(lines).singleElement()
			.asString()
			.isEqualTo("conntrace: keeping a connection opened for a request cancelled meanwhile "
					+ "(conntrace.pool.keep-cancelled-dials) is off: Reactor Netty 1.4.0 has no channel attribute "
					+ "connectionOwner (conntrace was tested with " + Internals.TESTED + "); requests go on without it");
		assertThat(Internals.lines(EnumSet.allOf(Internals.Internal.class), "1.4.0")).hasSize(3);
	}

}
