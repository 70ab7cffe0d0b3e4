package io.conntrace.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Boot mode's entry point: runs it with the settings of the {@code boot-cost} Maven profile, prints the
 * markdown report and writes it to {@code boot-cost.output} (default {@code target/boot-cost.md}).
 */
public final class BootCostBenchmark {

	private BootCostBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		BootCostSettings settings = BootCostSettings.fromSystemProperties();
		List<BootCost.Cell> cells = new BootCost(settings, System.err::println).run();
		String report = BootCostReport.render(settings, cells);
		System.out.println(report);
		Path output = Path.of(System.getProperty("boot-cost.output", "target/boot-cost.md"));
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, report, StandardCharsets.UTF_8);
		System.err.println("Written to " + output.toAbsolutePath());
		// Boot's and Reactor Netty's non-daemon threads must not keep the JVM after the report.
		System.exit(0);
	}

}
