package io.conntrace.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How long and how much the benchmark runs. Every round is bounded twice, by time and by a request
 * budget, so a fast machine cannot run away with memory and a slow one still ends.
 *
 * @param warmup how long each variant runs in each scenario before anything is measured
 * @param rounds measured rounds; each round runs every variant of every scenario once
 * @param round how long one variant runs in one round
 * @param maxRequestsPerRound request budget of one round
 * @param settle pause before each measured round, after a GC, so that one variant's garbage and
 * closing connections are not charged to the next; zero for neither
 * @param scenarios the load shapes to measure
 * @param sampling share of requests the traced variants sample, 1 for every request (the worst
 * case); Boot's default is 0.1
 */
record BenchmarkSettings(Duration warmup, int rounds, Duration round, int maxRequestsPerRound, Duration settle,
		List<Scenario> scenarios, float sampling) {

	static final List<Scenario> ALL_SCENARIOS = List.of(new Scenario(false, 16), new Scenario(false, 1),
			new Scenario(true, 16), new Scenario(true, 1));

	private static final int MAX_REQUESTS_PER_ROUND = 500_000;

	BenchmarkSettings {
		if (rounds < 1 || maxRequestsPerRound < 1 || scenarios.isEmpty()) {
			throw new IllegalArgumentException("Need at least one round, request and scenario");
		}
		if (!(sampling > 0 && sampling <= 1)) {
			throw new IllegalArgumentException("benchmark.sampling must be above 0 and at most 1, was " + sampling);
		}
		for (Scenario scenario : scenarios) {
			if (scenario.concurrency() > maxRequestsPerRound) {
				throw new IllegalArgumentException("Concurrency " + scenario.concurrency() + " exceeds the budget");
			}
		}
	}

	/** The full run, from {@code benchmark.*} system properties (the Maven profile sets them). */
	static BenchmarkSettings fromSystemProperties() {
		String scenarios = System.getProperty("benchmark.scenarios", "");
		return new BenchmarkSettings(Duration.ofMillis(Long.getLong("benchmark.warmup-millis", 2000)),
				Integer.getInteger("benchmark.rounds", 5), Duration.ofMillis(Long.getLong("benchmark.round-millis", 1500)),
				MAX_REQUESTS_PER_ROUND, Duration.ofMillis(100),
				scenarios.isBlank() ? ALL_SCENARIOS : parseScenarios(scenarios),
				Float.parseFloat(System.getProperty("benchmark.sampling", "1")));
	}

	/** Scenarios such as {@code http:16,https:1}: a subset, for profiling one load shape. */
	static List<Scenario> parseScenarios(String text) {
		return Arrays.stream(text.split(",")).map(String::trim).map((scenario) -> {
			String[] parts = scenario.split(":");
			if (parts.length != 2 || !(parts[0].equals("http") || parts[0].equals("https"))) {
				throw new IllegalArgumentException("Not a scenario (http:N or https:N): '" + scenario + "'");
			}
			return new Scenario(parts[0].equals("https"), Integer.parseInt(parts[1]));
		}).toList();
	}

	/** A few seconds in all: proves every variant works, measures nothing worth reading. */
	static BenchmarkSettings smoke() {
		return new BenchmarkSettings(Duration.ofMillis(50), 1, Duration.ofMillis(100), 5_000, Duration.ZERO,
				ALL_SCENARIOS, 1);
	}

	/** An upper bound for one round, so a hung request fails the run instead of stalling it. */
	Duration roundTimeout() {
		return this.round.plus(this.warmup).plusSeconds(30);
	}

}
