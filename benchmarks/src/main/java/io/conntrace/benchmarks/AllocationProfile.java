package io.conntrace.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;

/**
 * Reads a flight recording of a benchmark run and prints, per scenario, where one variant allocates
 * more per request than another: each allocation sample is charged to the round running at the time
 * ({@link RoundEvent}), and to the innermost conntrace frame on its stack or else to its allocation
 * site. Figures are estimates from samples, good to some tens of bytes per site; the benchmark's own
 * B/req column is the exact total. Run on the compiled module:
 * {@code java -cp benchmarks/target/classes io.conntrace.benchmarks.AllocationProfile benchmarks/target/benchmark.jfr [variant] [base]}.
 */
public final class AllocationProfile {

	private static final int SITES = 25;

	private AllocationProfile() {
	}

	public static void main(String[] args) throws Exception {
		ProfiledRounds rounds = ProfiledRounds.read(args, "AllocationProfile");
		Map<String, Map<String, double[]>> bytes = new HashMap<>();
		rounds.forEachSample("jdk.ObjectAllocationSample", (sample, scenario, slot) -> bytes
			.computeIfAbsent(scenario, (key) -> new HashMap<>())
			.computeIfAbsent(site(sample), (key) -> new double[2])[slot] += sample.getLong("weight"));
		rounds.requests.forEach((scenario, counts) -> print(scenario, counts, bytes.getOrDefault(scenario, Map.of()),
				rounds.variant, rounds.base));
	}

	private static void print(String scenario, long[] requests, Map<String, double[]> sites, int variant, int base) {
		if (requests[0] == 0 || requests[1] == 0) {
			return;
		}
		System.out.printf(Locale.ROOT, "%n%s: bytes per request, variant %d, variant %d, difference%n", scenario, base,
				variant);
		List<Map.Entry<String, double[]>> rows = new ArrayList<>(sites.entrySet());
		rows.sort(Comparator.comparingDouble((row) -> -(ProfiledRounds.perRequest(row.getValue(), requests, 1)
				- ProfiledRounds.perRequest(row.getValue(), requests, 0))));
		double total = 0;
		for (Map.Entry<String, double[]> row : rows) {
			total += ProfiledRounds.perRequest(row.getValue(), requests, 1) - ProfiledRounds.perRequest(row.getValue(), requests, 0);
		}
		System.out.printf(Locale.ROOT, "%7s %7s %+7.0f  all sites%n", "", "", total);
		rows.stream().limit(SITES).forEach((row) -> {
			double ofBase = ProfiledRounds.perRequest(row.getValue(), requests, 0);
			double ofVariant = ProfiledRounds.perRequest(row.getValue(), requests, 1);
			System.out.printf(Locale.ROOT, "%7.0f %7.0f %+7.0f  %s%n", ofBase, ofVariant, ofVariant - ofBase, row.getKey());
		});
	}



	/** The innermost conntrace frame and what it allocated, or else the allocation site and its caller. */
	private static String site(RecordedEvent sample) {
		String type = sample.getClass("objectClass").getName();
		if (sample.getStackTrace() == null) {
			return type;
		}
		List<RecordedFrame> frames = sample.getStackTrace().getFrames();
		for (RecordedFrame frame : frames) {
			if (frame.getMethod().getType().getName().startsWith("io.conntrace.")
					&& !frame.getMethod().getType().getName().startsWith("io.conntrace.benchmarks.")) {
				return "conntrace " + frame(frame) + ": " + type + " in " + frame(frames.get(0));
			}
		}
		return type + " in " + ((frames.size() > 0) ? frame(frames.get(0)) : "?")
				+ ((frames.size() > 1) ? " < " + frame(frames.get(1)) : "");
	}

	private static String frame(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
	}

}
