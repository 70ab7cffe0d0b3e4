package io.conntrace.benchmarks;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Boot mode: for one protocol and sampling, four application contexts in this JVM, each sending its
 * rounds through Boot's WebClient; they take turns round after round in an order that moves by one each
 * time, so drift (JIT, heap, the machine) is spread over all of them. Ratios are taken per round against
 * the {@code off} context's same round, and the median over rounds is reported: {@code off-2} against
 * {@code off} is the A/A line, the noise floor of the method.
 */
final class BootCost {

	static final String OFF = "off";

	static final String OFF_AGAIN = "off-2";

	static final String CONNTRACE = "conntrace";

	static final String REACTOR_NETTY_METRICS = "reactor-netty-metrics";

	/** Only with {@code boot-cost.floor}: conntrace off, hooks that do nothing on the same path. */
	static final String BARE_HOOKS = "bare-hooks";

	private final BootCostSettings settings;

	private final Consumer<String> progress;

	private final Map<String, String[]> contexts;

	BootCost(BootCostSettings settings, Consumer<String> progress) {
		this.settings = settings;
		this.progress = progress;
		this.contexts = contexts(settings);
	}

	/**
	 * The four contexts, five with the floor; the conntrace one with extra properties, to find what a part of
	 * conntrace costs.
	 */
	private static Map<String, String[]> contexts(BootCostSettings settings) {
		Map<String, String[]> contexts = new LinkedHashMap<>();
		contexts.put(OFF, new String[] { "conntrace.enabled=false" });
		contexts.put(OFF_AGAIN, new String[] { "conntrace.enabled=false" });
		contexts.put(CONNTRACE, settings.conntraceProperties());
		contexts.put(REACTOR_NETTY_METRICS,
				new String[] { "conntrace.enabled=false", "benchmark.client.reactor-netty-metrics=true" });
		if (settings.hasFloor()) {
			contexts.put(BARE_HOOKS,
					new String[] { "conntrace.enabled=false", "benchmark.client.bare-hooks=" + settings.floor() });
		}
		return contexts;
	}

	/** Every protocol at every sampling. */
	List<Cell> run() throws Exception {
		List<Cell> cells = new ArrayList<>();
		try (LocalServer server = LocalServer.start()) {
			for (BootProtocol protocol : this.settings.protocols()) {
				for (double sampling : this.settings.samplings()) {
					cells.add(cell(server, protocol, sampling));
				}
			}
		}
		return cells;
	}

	private Cell cell(LocalServer server, BootProtocol protocol, double sampling) throws InterruptedException {
		List<BootContext> contexts = new ArrayList<>();
		try {
			this.contexts.forEach((name, properties) -> contexts
				.add(BootContext.start(name, protocol, sampling, server, properties)));
			Map<String, List<BootContext.BootRound>> rounds = new LinkedHashMap<>();
			int total = this.settings.warmupRounds() + this.settings.rounds();
			for (int round = 0; round < total; round++) {
				boolean measured = round >= this.settings.warmupRounds();
				this.progress.accept(protocol.label() + " sampling " + sampling + ": "
						+ (measured ? "round " + (round - this.settings.warmupRounds() + 1) + " of " + this.settings.rounds()
								: "warm-up " + (round + 1)));
				for (int i = 0; i < contexts.size(); i++) {
					BootContext context = contexts.get((i + round) % contexts.size());
					settle(this.settings.settle());
					BootContext.BootRound result = context.round(this.settings.requests(), this.settings.concurrency(),
							this.settings.roundTimeout());
					if (result.ok() != result.requests()) {
						throw new IllegalStateException(context.name() + " got " + result.ok() + " answers of "
								+ result.requests() + " right in " + protocol.label());
					}
					if (measured) {
						rounds.computeIfAbsent(context.name(), (name) -> new ArrayList<>()).add(result);
					}
				}
			}
			return new Cell(protocol, sampling, rounds, conntraceRequests(contexts));
		}
		finally {
			contexts.forEach(BootContext::close);
		}
	}

	/**
	 * Each round starts on an empty young generation, so it pays for its own garbage only.
	 * @param pause how long to let the collection and closing connections finish, zero for no collection
	 */
	private static void settle(Duration pause) throws InterruptedException {
		if (!pause.isZero()) {
			System.gc();
			Thread.sleep(pause.toMillis());
		}
	}

	/** What the conntrace context's own meter counted: proof conntrace ran there, and only there. */
	private static Map<String, Double> conntraceRequests(List<BootContext> contexts) {
		Map<String, Double> counted = new LinkedHashMap<>();
		for (BootContext context : contexts) {
			MeterRegistry registry = context.context().getBean(MeterRegistry.class);
			counted.put(context.name(), registry.find("conntrace.requests")
				.counters()
				.stream()
				.mapToDouble(Counter::count)
				.sum());
		}
		return counted;
	}

	/** One protocol at one sampling: every context's measured rounds, in order; a fork sends its cells serialized. */
	record Cell(BootProtocol protocol, double sampling, Map<String, List<BootContext.BootRound>> rounds,
			Map<String, Double> conntraceRequests) implements Serializable {

		/** The median over rounds of a context's figure divided by {@code off}'s in the same round. */
		double medianRatio(String context, ToDoubleFunction<BootContext.BootRound> figure) {
			return pairwise(context, figure, true);
		}

		/** The median over rounds of a context's figure less {@code off}'s in the same round. */
		double medianDifference(String context, ToDoubleFunction<BootContext.BootRound> figure) {
			return pairwise(context, figure, false);
		}

		/** The median over rounds of a context's own figure. */
		double median(String context, ToDoubleFunction<BootContext.BootRound> figure) {
			return BootCost.median(this.rounds.get(context).stream().mapToDouble(figure).toArray());
		}

		private double pairwise(String context, ToDoubleFunction<BootContext.BootRound> figure, boolean ratio) {
			List<BootContext.BootRound> rounds = this.rounds.get(context);
			List<BootContext.BootRound> base = this.rounds.get(OFF);
			double[] values = new double[Math.min(rounds.size(), base.size())];
			for (int i = 0; i < values.length; i++) {
				double value = figure.applyAsDouble(rounds.get(i));
				double reference = figure.applyAsDouble(base.get(i));
				values[i] = ratio ? value / reference : value - reference;
			}
			return BootCost.median(values);
		}

	}

	/** The median, {@code NaN} for none. */
	static double median(double[] values) {
		if (values.length == 0) {
			return Double.NaN;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
