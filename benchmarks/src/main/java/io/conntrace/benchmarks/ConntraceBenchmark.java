package io.conntrace.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The full benchmark: runs it with the settings of the {@code benchmark} Maven profile, prints the
 * markdown report and writes it to {@code benchmark.output} (default
 * {@code target/benchmark.md}).
 */
public final class ConntraceBenchmark {

	private ConntraceBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		BenchmarkSettings settings = BenchmarkSettings.fromSystemProperties();
		BenchmarkResult result = new Benchmark(settings, System.err::println).run();
		String report = MarkdownReport.render(result);
		System.out.println(report);
		Path output = Path.of(System.getProperty("benchmark.output", "target/benchmark.md"));
		Files.createDirectories(output.toAbsolutePath().getParent());
		Files.writeString(output, report, StandardCharsets.UTF_8);
		System.err.println("Written to " + output.toAbsolutePath());
	}

}
