package io.conntrace.benchmarks;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a run as markdown: a header with the machine, one table with every variant of every
 * scenario, the targets for conntrace, and what the tracers saw.
 */
final class MarkdownReport {

	/** The attribute every conntrace span carries; its presence shows conntrace really ran. */
	static final String REUSED = "conntrace.connection.reused";

	private MarkdownReport() {
	}

	static String render(BenchmarkResult result) {
		StringBuilder out = new StringBuilder();
		header(out, result);
		table(out, result);
		failures(out, result);
		targets(out, result);
		spans(out, result);
		return out.toString();
	}

	private static void header(StringBuilder out, BenchmarkResult result) {
		RunConditions run = result.conditions();
		BenchmarkSettings settings = result.settings();
		out.append("## conntrace benchmark, ")
			.append(run.started().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT)))
			.append("\n\n");
		out.append(format("%s, %d cores, %s, heap %d MB; load average %.2f before, %.2f after; took %d s; %s.%n%n",
				run.jvm(), run.cores(), run.os(), run.maxHeapBytes() >> 20, run.loadBefore(), run.loadAfter(),
				run.took().toSeconds(), run.conntrace()));
		out.append(format("%d interleaved rounds of %.1f s per variant and scenario (order rotated each round), "
				+ "after a %.1f s warm-up of each. Client and server in this JVM, 127.0.0.1, %d-byte response, "
				+ "closed loop at the given concurrency. Figures are medians over rounds; ratios (x) are "
				+ "per-round ratios to the base variant of the same round, median (min..max); B/req counts "
				+ "all threads (client, server, event loops, driver). Traced variants sample %s of requests.%n%n",
				settings.rounds(), settings.round().toMillis() / 1000.0, settings.warmup().toMillis() / 1000.0,
				LocalServer.BODY_SIZE, (settings.sampling() < 1) ? format("%.0f%%", settings.sampling() * 100) : "all"));
	}

	private static void table(StringBuilder out, BenchmarkResult result) {
		out.append("| scenario | variant | base | req/s | req/s x | p50 us | p50 x | p99 us | p99 x | B/req "
				+ "| B/req x | B/req - base | conns/round |\n");
		out.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Map.Entry<Scenario, Map<Variant, List<RoundResult>>> scenario : result.rounds().entrySet()) {
			for (Variant variant : Variant.values()) {
				Figures figures = Figures.of(variant, scenario.getValue());
				out.append("| ").append(scenario.getKey().label());
				out.append(" | ").append(variant.label(scenario.getKey()));
				out.append(" | ").append(figures.isBase() ? "-" : Integer.toString(variant.base().number()));
				out.append(" | ").append(format("%.0f", figures.throughput().median()));
				out.append(" | ").append(ratio(figures, figures.throughputRatio()));
				out.append(" | ").append(format("%.0f", figures.p50().median()));
				out.append(" | ").append(ratio(figures, figures.p50Ratio()));
				out.append(" | ").append(format("%.0f", figures.p99().median()));
				out.append(" | ").append(ratio(figures, figures.p99Ratio()));
				out.append(" | ").append(format("%.0f", figures.bytes().median()));
				out.append(" | ").append(ratio(figures, figures.bytesRatio()));
				out.append(" | ")
					.append(figures.isBase() ? "-"
							: format("%+.0f (%+.0f..%+.0f)", figures.extraBytes().median(), figures.extraBytes().min(),
									figures.extraBytes().max()));
				out.append(" | ").append(format("%.0f", figures.connections().median()));
				out.append(" |\n");
			}
		}
	}

	/** Lists any variant that had a failure or a status other than 200: its figures are not comparable. */
	private static void failures(StringBuilder out, BenchmarkResult result) {
		out.append('\n');
		for (Map.Entry<Scenario, Map<Variant, List<RoundResult>>> scenario : result.rounds().entrySet()) {
			for (Variant variant : Variant.values()) {
				Figures figures = Figures.of(variant, scenario.getValue());
				if (figures.failed() > 0 || figures.ok() != figures.requests()) {
					out.append(format("- %s, variant %d: %d of %d requests failed or were not 200, first: %s%n",
							scenario.getKey().label(), variant.number(), figures.requests() - figures.ok(),
							figures.requests(), figures.firstFailure()));
				}
			}
		}
	}

	private static void targets(StringBuilder out, BenchmarkResult result) {
		out.append("\n### Targets: variant 2 (conntrace) against variant 1 (tracing), medians over rounds\n\n");
		out.append("| scenario | ").append(String.join(" | ", Targets.headings())).append(" |\n");
		out.append("|---|---|---|---|---|\n");
		for (Map.Entry<Scenario, Map<Variant, List<RoundResult>>> scenario : result.rounds().entrySet()) {
			Figures conntrace = Figures.of(Variant.CONNTRACE, scenario.getValue());
			Figures reactorNetty = Figures.of(Variant.REACTOR_NETTY_METRICS, scenario.getValue());
			out.append("| ").append(scenario.getKey().label()).append(" | ");
			out.append(String.join(" | ", Targets.judge(conntrace, reactorNetty))).append(" |\n");
		}
	}

	private static void spans(StringBuilder out, BenchmarkResult result) {
		out.append("\nSpans finished:");
		result.spans().forEach((variant, spans) -> {
			long tagged = spans.recent().stream().filter((span) -> span.tag(REUSED) != null).count();
			out.append(format(" variant %d %d (%d of the last %d carry %s);", variant.number(), spans.finished(),
					tagged, spans.recent().size(), REUSED));
		});
		out.setLength(out.length() - 1);
		out.append(".\n");
	}

	private static String ratio(Figures figures, Spread spread) {
		return figures.isBase() ? "-" : format("%.3f (%.3f..%.3f)", spread.median(), spread.min(), spread.max());
	}

	private static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

}
