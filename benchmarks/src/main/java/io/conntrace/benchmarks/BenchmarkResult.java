package io.conntrace.benchmarks;

import java.util.List;
import java.util.Map;

import brave.handler.MutableSpan;

/**
 * Everything one run measured, and under which conditions.
 *
 * @param settings how it ran
 * @param conditions the machine and JVM it ran on
 * @param rounds per scenario and variant, the measured rounds in the order they ran
 * @param spans per traced variant, the spans its tracer finished
 */
record BenchmarkResult(BenchmarkSettings settings, RunConditions conditions,
		Map<Scenario, Map<Variant, List<RoundResult>>> rounds, Map<Variant, Spans> spans) {

	/**
	 * The spans one traced variant finished over the whole run.
	 *
	 * @param finished how many
	 * @param recent the last few, to look at their tags
	 */
	record Spans(long finished, List<MutableSpan> recent) {

	}

}
