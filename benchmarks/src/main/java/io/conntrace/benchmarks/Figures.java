package io.conntrace.benchmarks;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One variant's figures in one scenario, summarised over the rounds, each next to its base variant
 * ({@link Variant#base()}) from the same rounds.
 *
 * @param variant the variant
 * @param throughput responses per second
 * @param throughputRatio throughput over the base's, round by round
 * @param p50 median latency, microseconds
 * @param p50Ratio over the base's, round by round
 * @param p99 99th percentile latency, microseconds
 * @param p99Ratio over the base's, round by round
 * @param bytes bytes allocated per request, all threads
 * @param bytesRatio over the base's, round by round
 * @param extraBytes bytes per request beyond the base's, round by round
 * @param connections connections opened per round
 * @param requests requests over all rounds
 * @param ok 200 responses over all rounds
 * @param failed failed requests over all rounds
 * @param firstFailure the first failure, if any
 */
record Figures(Variant variant, Spread throughput, Spread throughputRatio, Spread p50, Spread p50Ratio, Spread p99,
		Spread p99Ratio, Spread bytes, Spread bytesRatio, Spread extraBytes, Spread connections, long requests,
		long ok, long failed, @Nullable String firstFailure) {

	static Figures of(Variant variant, Map<Variant, List<RoundResult>> scenario) {
		List<RoundResult> rounds = scenario.get(variant);
		List<RoundResult> base = scenario.get(variant.base());
		return new Figures(variant, Spread.of(rounds, RoundResult::throughput),
				Spread.ratio(rounds, base, RoundResult::throughput), Spread.of(rounds, Figures::p50Micros),
				Spread.ratio(rounds, base, Figures::p50Micros), Spread.of(rounds, Figures::p99Micros),
				Spread.ratio(rounds, base, Figures::p99Micros), Spread.of(rounds, RoundResult::bytesPerRequest),
				Spread.ratio(rounds, base, RoundResult::bytesPerRequest),
				Spread.difference(rounds, base, RoundResult::bytesPerRequest),
				Spread.of(rounds, RoundResult::connectionsOpened), rounds.stream().mapToLong(RoundResult::requests).sum(),
				rounds.stream().mapToLong(RoundResult::ok).sum(), rounds.stream().mapToLong(RoundResult::failed).sum(),
				rounds.stream().map(RoundResult::firstFailure).filter((failure) -> failure != null).findFirst().orElse(null));
	}

	boolean isBase() {
		return this.variant.base() == this.variant;
	}

	private static double p50Micros(RoundResult round) {
		return round.p50Nanos() / 1000.0;
	}

	private static double p99Micros(RoundResult round) {
		return round.p99Nanos() / 1000.0;
	}

}
