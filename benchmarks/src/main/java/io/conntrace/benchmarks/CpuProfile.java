package io.conntrace.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;

/**
 * Reads a recording of a benchmark run with execution samples and prints, per scenario, where one variant
 * spends more CPU than another, in samples per thousand requests: each sample is charged to the round
 * running at the time ({@link RoundEvent}), then to its thread, to the package of the method it caught
 * running, to the Java method that called into native or kernel code, and to every method on its stack
 * (inclusive, once a sample). A method that conntrace makes Reactor Netty or Reactor run more shows as well as conntrace's own
 * frames. The A/A pair (variant 2 against 1) shows how far a row moves by chance. Estimates from samples;
 * the benchmark's CPU column is the measurement. Run on the compiled module:
 * {@code java -cp benchmarks/target/classes io.conntrace.benchmarks.CpuProfile recording.jfr [variant] [base]};
 * {@code -Dmethods=N} prints N rows a section (default 40).
 */
public final class CpuProfile {

	private static final int ROWS = Integer.getInteger("methods", 40);

	private static final String ALL = "(all)";

	private static final String PACKAGE = "package ";

	private static final String NATIVE = "native from ";

	private static final String SELF = "self ";

	private static final String THREAD = "thread ";

	private CpuProfile() {
	}

	public static void main(String[] args) throws Exception {
		ProfiledRounds rounds = ProfiledRounds.read(args, "CpuProfile");
		Map<String, Map<String, double[]>> samples = new HashMap<>();
		rounds.forEachSample("jdk.ExecutionSample", (sample, scenario, slot) -> {
			if (sample.getStackTrace() != null && !sample.getStackTrace().getFrames().isEmpty()) {
				Map<String, double[]> rows = samples.computeIfAbsent(scenario, (key) -> new HashMap<>());
				charge(rows, sample.getStackTrace().getFrames(), slot);
				count(rows, THREAD + threadGroup(sample), slot);
			}
		});
		rounds.requests.forEach((scenario, counts) -> print(scenario, counts,
				samples.getOrDefault(scenario, Map.of()), rounds.variant, rounds.base));
	}

	private static void charge(Map<String, double[]> rows, List<RecordedFrame> frames, int slot) {
		count(rows, ALL, slot);
		RecordedFrame running = frames.get(0);
		count(rows, SELF + method(running), slot);
		count(rows, PACKAGE + packageOf(running), slot);
		if (!isJava(running)) {
			frames.stream().filter(CpuProfile::isJava).findFirst().ifPresent((caller) -> count(rows,
					NATIVE + method(caller), slot));
		}
		Set<String> seen = new HashSet<>();
		for (RecordedFrame frame : frames) {
			String method = method(frame);
			if (seen.add(method)) {
				count(rows, method, slot);
			}
		}
	}

	private static void count(Map<String, double[]> rows, String row, int slot) {
		rows.computeIfAbsent(row, (key) -> new double[2])[slot]++;
	}

	private static void print(String scenario, long[] requests, Map<String, double[]> rows, int variant, int base) {
		if (requests[0] == 0 || requests[1] == 0) {
			return;
		}
		System.out.printf(Locale.ROOT, "%n%s: samples per 1000 requests, variant %d, variant %d, difference%n",
				scenario, base, variant);
		List<Map.Entry<String, double[]>> sorted = new ArrayList<>(rows.entrySet());
		sorted.sort(Comparator.comparingDouble((row) -> -(perThousand(row.getValue(), requests, 1)
				- perThousand(row.getValue(), requests, 0))));
		print("all samples", sorted, ALL, requests);
		print("by thread (a pool's threads together)", sorted, THREAD, requests);
		print("by the package of the method running", sorted, PACKAGE, requests);
		print("native and kernel code, by the Java method that called it", sorted, NATIVE, requests);
		print("by the method running", sorted, SELF, requests);
		System.out.println("by method, with what it called:");
		sorted.stream()
			.filter((row) -> !row.getKey().equals(ALL) && !row.getKey().startsWith(PACKAGE)
					&& !row.getKey().startsWith(NATIVE) && !row.getKey().startsWith(SELF)
					&& !row.getKey().startsWith(THREAD))
			.limit(ROWS)
			.forEach((row) -> print(row, requests));
	}

	private static void print(String title, List<Map.Entry<String, double[]>> sorted, String prefix,
			long[] requests) {
		System.out.println(title + ":");
		sorted.stream().filter((row) -> row.getKey().startsWith(prefix)).limit(ROWS).forEach((row) -> print(row, requests));
	}

	private static void print(Map.Entry<String, double[]> row, long[] requests) {
		double ofBase = perThousand(row.getValue(), requests, 0);
		double ofVariant = perThousand(row.getValue(), requests, 1);
		System.out.printf(Locale.ROOT, "%7.1f %7.1f %+7.1f  %s%n", ofBase, ofVariant, ofVariant - ofBase, row.getKey());
	}

	private static double perThousand(double[] samples, long[] requests, int slot) {
		return ProfiledRounds.perRequest(samples, requests, slot) * 1000;
	}

	/** The sampled thread's name without its number: the client's event loops together, the server's, the JIT's. */
	private static String threadGroup(RecordedEvent sample) {
		RecordedThread thread = sample.getThread("sampledThread");
		String name = (thread == null) ? null : (thread.getJavaName() != null) ? thread.getJavaName() : thread.getOSName();
		return (name == null) ? "?" : name.replaceAll("[-#]?\\d+$", "");
	}

	/** A Java frame: its type has a package (async-profiler names native and kernel frames without one). */
	private static boolean isJava(RecordedFrame frame) {
		return !packageOf(frame).startsWith("(") && !packageOf(frame).startsWith("lib");
	}

	/** The first three segments of the method's package. */
	private static String packageOf(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		int end = type.lastIndexOf('.');
		if (end <= 0) {
			return "(native, kernel)";
		}
		String[] segments = type.substring(0, end).split("\\.");
		return String.join(".", Arrays.copyOf(segments, Math.min(3, segments.length)));
	}

	private static String method(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
	}

}
