package io.conntrace.benchmarks;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Boot mode's entry point: runs it with the settings of the {@code boot-cost} Maven profile, prints the
 * markdown report and writes it to {@code boot-cost.output} (default {@code target/boot-cost.md}).
 * <p>
 * With {@code boot-cost.forks} above 1 the mode runs that many times, each in a JVM of its own with this JVM's
 * options: each JVM compiles the request path its own way, which moves a context's ratio from one run to the
 * next by more than its rounds move inside a run. The report then pools every fork's rounds (each still paired
 * with {@code off}'s round of the same fork) and adds each fork's own medians.
 */
public final class BootCostBenchmark {

	/** Set on a fork: where it writes its cells for its parent, instead of a report. */
	private static final String ROUNDS_FILE = "boot-cost.rounds-file";

	private BootCostBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		BootCostSettings settings = BootCostSettings.fromSystemProperties();
		int forks = Integer.getInteger("boot-cost.forks", 1);
		String roundsFile = System.getProperty(ROUNDS_FILE);
		if (roundsFile != null) {
			List<BootCost.Cell> cells = new BootCost(settings, System.err::println).run();
			try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(Path.of(roundsFile)))) {
				out.writeObject(new ArrayList<>(cells));
			}
		}
		else if (forks <= 1) {
			report(BootCostReport.render(settings, new BootCost(settings, System.err::println).run()));
		}
		else {
			List<List<BootCost.Cell>> runs = forks(forks);
			report(BootCostReport.render(settings, pooled(runs)) + BootCostReport.perFork(runs));
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

	/** Run the mode in {@code forks} JVMs one after the other; per fork, its cells. */
	@SuppressWarnings("unchecked")
	static List<List<BootCost.Cell>> forks(int forks) throws Exception {
		List<List<BootCost.Cell>> runs = new ArrayList<>();
		for (int fork = 1; fork <= forks; fork++) {
			Path rounds = Files.createTempFile("boot-cost-fork-" + fork + "-", ".bin");
			try {
				List<String> command = new ArrayList<>();
				command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
				// This JVM's options (heap, GC), and its boot-cost settings as it reads them.
				for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
					if (!argument.startsWith("-Dboot-cost.")) {
						command.add(argument);
					}
				}
				System.getProperties()
					.stringPropertyNames()
					.stream()
					.filter((name) -> name.startsWith("boot-cost.") && !name.equals("boot-cost.forks"))
					.sorted()
					.forEach((name) -> command.add("-D" + name + "=" + System.getProperty(name)));
				command.addAll(List.of("-D" + ROUNDS_FILE + "=" + rounds, "-cp", System.getProperty("java.class.path"),
						BootCostBenchmark.class.getName()));
				System.err.println("fork " + fork + " of " + forks);
				int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
				if (exit != 0) {
					throw new IllegalStateException("Fork " + fork + " of the Boot mode failed with exit code " + exit);
				}
				try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(rounds))) {
					runs.add((List<BootCost.Cell>) in.readObject());
				}
			}
			finally {
				Files.deleteIfExists(rounds);
			}
		}
		return runs;
	}

	/** Every fork's rounds in one cell per protocol and sampling, in fork order. */
	static List<BootCost.Cell> pooled(List<List<BootCost.Cell>> runs) {
		List<BootCost.Cell> pooled = new ArrayList<>();
		for (int i = 0; i < runs.get(0).size(); i++) {
			BootCost.Cell first = runs.get(0).get(i);
			Map<String, List<BootContext.BootRound>> rounds = new LinkedHashMap<>();
			Map<String, Double> counted = new LinkedHashMap<>();
			for (List<BootCost.Cell> run : runs) {
				BootCost.Cell cell = run.get(i);
				cell.rounds().forEach((context, list) -> rounds.computeIfAbsent(context, (key) -> new ArrayList<>())
					.addAll(list));
				cell.conntraceRequests().forEach((context, count) -> counted.merge(context, count, Double::sum));
			}
			pooled.add(new BootCost.Cell(first.protocol(), first.sampling(), rounds, counted));
		}
		return pooled;
	}

}
