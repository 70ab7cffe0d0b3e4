package io.conntrace.trace;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.dynamic.loading.ClassReloadingStrategy;
import net.bytebuddy.implementation.FixedValue;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * Runs a test as on a Reactor Netty that lacks an internal conntrace reads, without a seam in conntrace's
 * classes: the core's class that reads it is redefined in the test JVM (Byte Buddy's agent) to find nothing, as
 * it would there, and put back afterwards.
 */
final class WithoutInternals {

	private WithoutInternals() {
	}

	/**
	 * Run the body as if {@code HttpClientConnect$MonoHttpConnect.config} were not there: {@link RequestTarget}
	 * finds no request configuration.
	 * @param body the test
	 */
	static void withoutConnectConfig(ThrowingRunnable body) throws Exception {
		ClassReloadingStrategy reloading = ClassReloadingStrategy.of(ByteBuddyAgent.install());
		new ByteBuddy().redefine(RequestTarget.class)
			.method(named("of"))
			.intercept(FixedValue.nullValue())
			.make()
			.load(RequestTarget.class.getClassLoader(), reloading);
		try {
			body.run();
		}
		finally {
			reloading.reset(RequestTarget.class);
		}
	}

	@FunctionalInterface
	interface ThrowingRunnable {

		void run() throws Exception;

	}

}
