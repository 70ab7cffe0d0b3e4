package io.conntrace.benchmarks;

import java.util.function.Supplier;

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
		RoundEvent event = new RoundEvent();
		event.begin();
		RoundResult result = round.get();
		event.end();
		if (event.shouldCommit()) {
			event.scenario = scenario.label();
			event.variant = variant.number();
			event.warmUp = warmUp;
			event.requests = result.requests();
			event.allocatedBytes = result.allocatedBytes();
			event.commit();
		}
		return result;
	}

}
