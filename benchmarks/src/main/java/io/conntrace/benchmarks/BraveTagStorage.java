package io.conntrace.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import brave.handler.MutableSpan;

/**
 * What Brave alone allocates to store a sampled span's attributes, conntrace's values costing nothing: a
 * lower bound of conntrace's bytes per sampled request on Brave that no change inside conntrace can go
 * below while it keeps every attribute. Brave grows a span's tag array by one pair per new tag and copies
 * it each time, so the n-th tag costs more than the first. Measured on this thread's allocation counter:
 * spans with the observation's own tags (Boot's WebClient: 7), then with conntrace's on top, keys and
 * values made beforehand. {@code ./mvnw -B -q -pl benchmarks -am -Pbrave-tags -DskipTests verify}, with
 * {@code -Dbrave-tags.sampling=0.1} for the share of requests sampled.
 */
public final class BraveTagStorage {

	/** Boot's WebClient observation: client.name, exception, method, outcome, status, uri, http.url. */
	private static final int OBSERVATION_TAGS = 7;

	/**
	 * conntrace's attributes on a request served on a reused connection, per protocol (README's contract). An
	 * HTTP/2 stream opened beside others, as nearly every one of the Boot mode's 16 in flight, carries
	 * {@code streams_in_flight} but no {@code idle_ms}; a lower bound counts what the requests measured carry.
	 */
	private static final List<Row> ROWS = List.of(new Row("HTTP/1.1", 11), new Row("HTTPS", 14),
			new Row("h2c, beside other streams", 11), new Row("h2, beside other streams", 14));

	private static final int SPANS = 200_000;

	private static final int ROUNDS = 5;

	/** Every span escapes, so that the JIT cannot take its allocation away in some rounds and not others. */
	@SuppressWarnings("unused")
	private static volatile MutableSpan escaped;

	private BraveTagStorage() {
	}

	public static void main(String[] args) {
		double sampling = (args.length > 0) ? Double.parseDouble(args[0]) : 0.1;
		long without = bytesPerSpan(OBSERVATION_TAGS);
		System.out.printf("| protocol | conntrace's attributes | Brave's bytes per sampled span for them | "
				+ "per request at sampling %s |%n| --- | --- | --- | --- |%n", sampling);
		for (Row row : ROWS) {
			long with = bytesPerSpan(OBSERVATION_TAGS + row.attributes());
			System.out.printf("| %s | %d | +%d | +%.0f |%n", row.protocol(), row.attributes(), with - without,
					(with - without) * sampling);
		}
	}

	/** The median over rounds, the first rounds warming up the same code. */
	static long bytesPerSpan(int tags) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		List<String> keys = new ArrayList<>();
		List<String> values = new ArrayList<>();
		for (int i = 0; i < tags; i++) {
			keys.add("attribute.number." + i);
			values.add("value " + i);
		}
		long[] rounds = new long[ROUNDS];
		long kept = 0;
		for (int round = 0; round < ROUNDS; round++) {
			long before = threads.getCurrentThreadAllocatedBytes();
			for (int i = 0; i < SPANS; i++) {
				MutableSpan span = new MutableSpan();
				for (int tag = 0; tag < tags; tag++) {
					span.tag(keys.get(tag), values.get(tag));
				}
				kept += span.tagCount();
				escaped = span;
			}
			rounds[round] = (threads.getCurrentThreadAllocatedBytes() - before) / SPANS;
		}
		if (kept != (long) ROUNDS * SPANS * tags) {
			throw new IllegalStateException("Brave kept " + kept + " tags");
		}
		Arrays.sort(rounds);
		return rounds[ROUNDS / 2];
	}

	private record Row(String protocol, int attributes) {
	}

}
