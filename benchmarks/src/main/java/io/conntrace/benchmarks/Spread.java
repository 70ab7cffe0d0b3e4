package io.conntrace.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A figure over the measured rounds: its median, and its lowest and highest value as the spread.
 *
 * @param median the median over rounds
 * @param min the lowest round
 * @param max the highest round
 */
record Spread(double median, double min, double max) {

	static Spread of(double[] values) {
		if (values.length == 0) {
			return new Spread(Double.NaN, Double.NaN, Double.NaN);
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		double median = (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
		return new Spread(median, sorted[0], sorted[sorted.length - 1]);
	}

	/** A figure of each round. */
	static <R> Spread of(List<R> rounds, ToDoubleFunction<R> figure) {
		return of(rounds.stream().mapToDouble(figure).toArray());
	}

	/** The ratio of a figure to the base's in the same round, round by round (of either mode's rounds). */
	static <R> Spread ratio(List<R> rounds, List<R> base, ToDoubleFunction<R> figure) {
		return pairwise(rounds, base, figure, true);
	}

	/** The difference of a figure from the base's in the same round, round by round. */
	static <R> Spread difference(List<R> rounds, List<R> base, ToDoubleFunction<R> figure) {
		return pairwise(rounds, base, figure, false);
	}

	private static <R> Spread pairwise(List<R> rounds, List<R> base, ToDoubleFunction<R> figure, boolean ratio) {
		int count = Math.min(rounds.size(), base.size());
		double[] values = new double[count];
		for (int i = 0; i < count; i++) {
			double value = figure.applyAsDouble(rounds.get(i));
			double reference = figure.applyAsDouble(base.get(i));
			values[i] = ratio ? value / reference : value - reference;
		}
		return of(values);
	}

}
