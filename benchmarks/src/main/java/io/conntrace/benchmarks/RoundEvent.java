package io.conntrace.benchmarks;

import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Marks each round in a flight recording, so that allocation and execution samples can be charged to
 * the variant that ran at the time (rounds never overlap). Costs nothing when no recording runs.
 */
@Name("io.conntrace.benchmarks.Round")
@Label("Benchmark round")
@Category("conntrace")
@Description("One variant running one scenario, warm-up or measured")
@StackTrace(false)
final class RoundEvent extends Event {

	@Label("Scenario")
	String scenario;

	@Label("Variant")
	int variant;

	@Label("Warm-up")
	boolean warmUp;

	@Label("Requests")
	int requests;

	@Label("Allocated bytes")
	long allocatedBytes;

	/** Runs one round inside the event. */
	static RoundResult record(Scenario scenario, Variant variant, boolean warmUp,
			Supplier<RoundResult> round) {
		return record(scenario.label(), variant.number(), warmUp, round, RoundResult::requests,
				RoundResult::allocatedBytes);
	}

	/**
	 * Runs one round of any mode inside the event; {@link AllocationProfile} charges the allocation samples
	 * taken meanwhile to {@code variant} in {@code scenario}.
	 */
	static <T> T record(String scenario, int variant, boolean warmUp, Supplier<T> round, ToIntFunction<T> requests,
			ToLongFunction<T> allocatedBytes) {
		RoundEvent event = new RoundEvent();
		event.begin();
		T result = round.get();
		event.end();
		if (event.shouldCommit()) {
			event.scenario = scenario;
			event.variant = variant;
			event.warmUp = warmUp;
			event.requests = requests.applyAsInt(result);
			event.allocatedBytes = allocatedBytes.applyAsLong(result);
			event.commit();
		}
		return result;
	}

}
