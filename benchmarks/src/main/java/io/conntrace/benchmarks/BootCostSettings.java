package io.conntrace.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How the Boot mode runs: for every protocol and sampling, the four contexts of {@link BootCost} (five with
 * {@code floor}) take turns over {@code warmupRounds} unmeasured and {@code rounds} measured rounds of {@code requests}
 * GETs each, {@code concurrency} in flight. {@code conntraceProperties} go to the conntrace context only
 * ({@code boot-cost.conntrace-properties}, comma-separated), to measure a part of conntrace switched off.
 * {@code floor} ({@code boot-cost.floor}, one of {@link BareHooks#PARTS}; empty for none) adds a fifth
 * context, conntrace off with hooks that do nothing ({@link BareHooks}): what hooking into a request's path
 * costs before any work.
 */
record BootCostSettings(int warmupRounds, int rounds, int requests, int concurrency, List<BootProtocol> protocols,
		List<Double> samplings, Duration settle, String[] conntraceProperties, String floor) {

	BootCostSettings {
		if (rounds < 1 || requests < 1 || concurrency < 1 || protocols.isEmpty() || samplings.isEmpty()) {
			throw new IllegalArgumentException("Need at least one round, request, protocol and sampling");
		}
		for (double sampling : samplings) {
			if (sampling < 0 || sampling > 1) {
				throw new IllegalArgumentException("boot-cost.samplings must be from 0 to 1, was " + sampling);
			}
		}
	}

	/** The full run, from {@code boot-cost.*} system properties (the Maven profile sets them). */
	static BootCostSettings fromSystemProperties() {
		return new BootCostSettings(Integer.getInteger("boot-cost.warmup-rounds", 3),
				Integer.getInteger("boot-cost.rounds", 30), Integer.getInteger("boot-cost.requests", 10_000),
				Integer.getInteger("boot-cost.concurrency", 16),
				BootProtocol.parse(System.getProperty("boot-cost.protocols", "http1,https1,h2c,h2")),
				Arrays.stream(System.getProperty("boot-cost.samplings", "0,0.1,1").split(","))
					.map(String::trim)
					.map(Double::valueOf)
					.toList(),
				Duration.ofMillis(50), System.getProperty("boot-cost.conntrace-properties", "").isBlank() ? new String[0]
						: System.getProperty("boot-cost.conntrace-properties").split(","),
				floor(System.getProperty("boot-cost.floor", "")));
	}

	/** Seconds in all: proves every context of every protocol answers, measures nothing worth reading. */
	static BootCostSettings smoke() {
		return new BootCostSettings(1, 2, 200, 8, List.of(BootProtocol.values()), List.of(0.1), Duration.ZERO,
				new String[0], "all");
	}

	/** Whether the floor context runs. */
	boolean hasFloor() {
		return !this.floor.isEmpty();
	}

	private static String floor(String value) {
		String floor = value.trim();
		if (!floor.isEmpty() && !BareHooks.PARTS.contains(floor)) {
			throw new IllegalArgumentException(
					"boot-cost.floor must be empty or one of " + String.join(", ", BareHooks.PARTS) + ", was " + value);
		}
		return floor;
	}

	/** An upper bound for one round, so a hung request fails the run instead of stalling it. */
	Duration roundTimeout() {
		return Duration.ofSeconds(60 + this.requests / 500);
	}

}
