package io.conntrace.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The goals conntrace's cost is held to, judged on the median over rounds of variant 2 against the
 * traced baseline (variant 1) and Reactor Netty's own metrics (variant 3) in the same rounds.
 */
final class Targets {

	static final double MIN_THROUGHPUT_RATIO = 0.98;

	static final double MAX_P99_RATIO = 1.05;

	/** "No more than a few hundred bytes per request beyond the baseline." */
	static final double MAX_EXTRA_BYTES = 300;

	private Targets() {
	}

	/** The headings of {@link #judge}'s cells. */
	static List<String> headings() {
		return List.of("throughput >= " + MIN_THROUGHPUT_RATIO + "x", "p99 <= " + MAX_P99_RATIO + "x",
				"<= +" + (int) MAX_EXTRA_BYTES + " B/req", "better than 3 (req/s x, B/req)");
	}

	/** One cell per target for a scenario, each saying met or missed, and the figures it was judged on. */
	static List<String> judge(Figures conntrace, Figures reactorNetty) {
		Spread throughput = conntrace.throughputRatio();
		Spread p99 = conntrace.p99Ratio();
		Spread extra = conntrace.extraBytes();
		boolean better = throughput.median() >= reactorNetty.throughputRatio().median()
				&& conntrace.bytes().median() <= reactorNetty.bytes().median();
		return List.of(verdict(shown(throughput.median()) >= MIN_THROUGHPUT_RATIO) + ratio(throughput),
				verdict(shown(p99.median()) <= MAX_P99_RATIO) + ratio(p99),
				verdict(extra.median() <= MAX_EXTRA_BYTES)
						+ String.format(Locale.ROOT, "%+.0f (%+.0f..%+.0f)", extra.median(), extra.min(), extra.max()),
				verdict(better) + String.format(Locale.ROOT, "%.3f vs %.3f, %.0f vs %.0f", throughput.median(),
						reactorNetty.throughputRatio().median(), conntrace.bytes().median(),
						reactorNetty.bytes().median()));
	}

	/** Ratios are judged as printed, three decimals, so that "0.980x" never reads as missing 0.98. */
	private static double shown(double ratio) {
		return Math.round(ratio * 1000) / 1000.0;
	}

	private static String verdict(boolean met) {
		return met ? "met: " : "**missed**: ";
	}

	private static String ratio(Spread spread) {
		return String.format(Locale.ROOT, "%.3f (%.3f..%.3f)", spread.median(), spread.min(), spread.max());
	}

}
