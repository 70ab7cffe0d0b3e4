package io.conntrace.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Boot mode's entry point: runs it with the settings of the {@code boot-cost} Maven profile, prints the
 * markdown report and writes it to {@code boot-cost.output} (default {@code target/boot-cost.md}). With
 * {@code boot-cost.forks} above 1, the mode runs that many times, each in a JVM of its own
 * ({@link BootCostForks}), and the report holds every fork's rounds and each fork's own medians.
 */
public final class BootCostBenchmark {

	private BootCostBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		BootCostSettings settings = BootCostSettings.fromSystemProperties();
		int forks = Integer.getInteger("boot-cost.forks", 1);
		if (BootCostForks.isFork() || forks <= 1) {
			List<BootCost.Cell> cells = new BootCost(settings, System.err::println).run();
			if (BootCostForks.isFork()) {
				BootCostForks.write(cells);
				System.exit(0);
			}
			report(BootCostReport.render(settings, cells));
		}
		else {
			List<List<BootCost.Cell>> runs = BootCostForks.run(forks);
			report(BootCostReport.render(settings, BootCostForks.pooled(runs)) + BootCostReport.perFork(runs));
		}
		// Boot's and Reactor Netty's non-daemon threads must not keep the JVM after the report.
		System.exit(0);
	}

	private static void report(String report) throws IOException {
		System.out.println(report);
		Path output = Path.of(System.getProperty("boot-cost.output", "target/boot-cost.md"));
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, report, StandardCharsets.UTF_8);
		System.err.println("Written to " + output.toAbsolutePath());
	}

}
