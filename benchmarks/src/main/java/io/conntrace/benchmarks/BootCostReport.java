package io.conntrace.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.conntrace.benchmarks.BootContext.BootRound;

/**
 * The Boot mode's markdown: per protocol and sampling, conntrace against {@code off} in CPU time per
 * request, throughput and bytes allocated per request (medians of per-round ratios and differences), the
 * A/A line beside it, Reactor Netty's own client metrics as a yardstick, with {@code boot-cost.floor} hooks
 * that do nothing as the floor, and whether issue 15's targets are met.
 */
final class BootCostReport {

	private BootCostReport() {
	}

	static String render(BootCostSettings settings, List<BootCost.Cell> cells) {
		StringBuilder out = new StringBuilder();
		out.append("## Boot mode: conntrace's cost per request in a Boot application\n\n");
		out.append(String.format(Locale.ROOT,
				"%d measured rounds (after %d warm-up) of %d GETs, %d in flight, per context; contexts take turns "
						+ "in an order that moves each round; medians over rounds of per-round ratios against `off` "
						+ "(conntrace.enabled=false; over HTTP/2 on a pool shaped as conntrace's defaults). `A/A` is a "
						+ "second `off` context against the first: the noise floor.%n%n",
				settings.rounds(), settings.warmupRounds(), settings.requests(), settings.concurrency()));
		boolean floor = settings.hasFloor();
		if (floor) {
			out.append("`bare hooks` (" + settings.floor() + ") is conntrace off with hooks of the kinds conntrace adds "
					+ "that do nothing (filter: a filter that is an operator; client: connect, a connect operator, and observer, "
					+ "an observer and a channel-init hook): the cost of hooking in before any work.\n\n");
		}
		out.append("| protocol | sampling | off: CPU µs/request | conntrace / off: CPU | throughput | bytes/request beyond off "
				+ "| A/A: CPU | throughput | bytes | Reactor Netty metrics / off: CPU | bytes "
				+ (floor ? "| bare hooks / off: CPU | throughput | bytes " : "")
				+ "| connections a round: off, conntrace | targets |\n");
		out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | " + (floor ? "--- | --- | --- | " : "")
				+ "--- | --- |\n");
		for (BootCost.Cell cell : cells) {
			double cpu = cell.medianRatio(BootCost.CONNTRACE, BootRound::cpuMicrosPerRequest);
			double throughput = cell.medianRatio(BootCost.CONNTRACE, BootRound::requestsPerSecond);
			double bytes = cell.medianDifference(BootCost.CONNTRACE, BootRound::bytesPerRequest);
			double metricsCpu = cell.medianRatio(BootCost.REACTOR_NETTY_METRICS, BootRound::cpuMicrosPerRequest);
			double metricsBytes = cell.medianDifference(BootCost.REACTOR_NETTY_METRICS, BootRound::bytesPerRequest);
			String bareHooks = floor ? String.format(Locale.ROOT, " %.3f | %.3f | %+.0f |",
					cell.medianRatio(BootCost.BARE_HOOKS, BootRound::cpuMicrosPerRequest),
					cell.medianRatio(BootCost.BARE_HOOKS, BootRound::requestsPerSecond),
					cell.medianDifference(BootCost.BARE_HOOKS, BootRound::bytesPerRequest)) : "";
			out.append(String.format(Locale.ROOT,
					"| %s | %s | %.1f | %.3f | %.3f | %+.0f | %.3f | %.3f | %+.0f | %.3f | %+.0f |%s %.0f, %.0f | %s |%n",
					cell.protocol().label(), sampling(cell.sampling()),
					cell.median(BootCost.OFF, BootRound::cpuMicrosPerRequest), cpu, throughput, bytes,
					cell.medianRatio(BootCost.OFF_AGAIN, BootRound::cpuMicrosPerRequest),
					cell.medianRatio(BootCost.OFF_AGAIN, BootRound::requestsPerSecond),
					cell.medianDifference(BootCost.OFF_AGAIN, BootRound::bytesPerRequest), metricsCpu, metricsBytes,
					bareHooks, cell.median(BootCost.OFF, BootRound::connections),
					cell.median(BootCost.CONNTRACE, BootRound::connections),
					targets(cell.sampling(), cpu, throughput, bytes, metricsCpu, metricsBytes)));
		}
		out.append("\nTargets (issue 15): sampling 0 and 0.1 CPU <= 1.02 and throughput >= 0.98; sampling 1 CPU <= 1.04 "
				+ "and throughput >= 0.96; at 0.1 at most +150 bytes/request; below Reactor Netty's metrics in CPU and bytes.\n");
		return out.toString();
	}

	/**
	 * Each fork's own median of conntrace's CPU and bytes against {@code off}, and the median of those: how far
	 * one JVM's figure is from another's.
	 */
	static String perFork(List<List<BootCost.Cell>> runs) {
		StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
				"%nPer JVM (%d forks, each its own medians over its rounds): conntrace / off%n%n", runs.size()));
		out.append("| protocol | sampling | CPU, each fork | CPU, median of forks | bytes, each fork |\n");
		out.append("| --- | --- | --- | --- | --- |\n");
		for (int i = 0; i < runs.get(0).size(); i++) {
			BootCost.Cell first = runs.get(0).get(i);
			double[] cpus = new double[runs.size()];
			List<String> cpu = new ArrayList<>();
			List<String> bytes = new ArrayList<>();
			for (int fork = 0; fork < runs.size(); fork++) {
				BootCost.Cell cell = runs.get(fork).get(i);
				cpus[fork] = cell.medianRatio(BootCost.CONNTRACE, BootRound::cpuMicrosPerRequest);
				cpu.add(String.format(Locale.ROOT, "%.3f", cpus[fork]));
				bytes.add(String.format(Locale.ROOT, "%+.0f",
						cell.medianDifference(BootCost.CONNTRACE, BootRound::bytesPerRequest)));
			}
			out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %s |%n", first.protocol().label(),
					sampling(first.sampling()), String.join(", ", cpu), BootCost.median(cpus),
					String.join(", ", bytes)));
		}
		return out.toString();
	}

	private static String sampling(double sampling) {
		return (sampling == Math.rint(sampling)) ? Integer.toString((int) sampling) : Double.toString(sampling);
	}

	/** Which of issue 15's targets this cell misses, or {@code met}. */
	static String targets(double sampling, double cpu, double throughput, double bytes, double metricsCpu,
			double metricsBytes) {
		List<String> missed = new ArrayList<>();
		boolean production = sampling <= 0.1;
		if (cpu > (production ? 1.02 : 1.04)) {
			missed.add("CPU");
		}
		if (throughput < (production ? 0.98 : 0.96)) {
			missed.add("throughput");
		}
		if (sampling > 0 && sampling <= 0.1 && bytes > 150) {
			missed.add("bytes");
		}
		if (cpu >= metricsCpu || bytes >= metricsBytes) {
			missed.add("behind Reactor Netty's metrics");
		}
		return missed.isEmpty() ? "met" : "missed: " + String.join(", ", missed);
	}

}
