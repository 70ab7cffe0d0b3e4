package io.conntrace.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.conntrace.benchmarks.BootContext.BootRound;

/**
 * The Boot mode over several JVMs ({@code boot-cost.forks}): each JVM compiles the request path its own way,
 * which moves a context's ratio from one run to the next by more than its rounds move inside a run. Each fork
 * runs the whole mode in a JVM of its own, with this JVM's options, and writes its rounds to a file; the
 * cells here hold every fork's rounds, each still paired with {@code off}'s round of the same fork.
 */
final class BootCostForks {

	private static final String ROUNDS_FILE = "boot-cost.rounds-file";

	private BootCostForks() {
	}

	/** Whether this JVM is a fork, to write its rounds for its parent instead of a report. */
	static boolean isFork() {
		return System.getProperty(ROUNDS_FILE) != null;
	}

	/** Run {@code forks} JVMs one after the other; per fork, its cells. */
	static List<List<BootCost.Cell>> run(int forks) throws IOException, InterruptedException {
		List<List<BootCost.Cell>> runs = new ArrayList<>();
		for (int fork = 1; fork <= forks; fork++) {
			Path rounds = Files.createTempFile("boot-cost-fork-" + fork + "-", ".tsv");
			try {
				List<String> command = new ArrayList<>();
				command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
				// This JVM's options (heap, GC, a profiler's agent), and its boot-cost settings as it reads them.
				for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
					if (!argument.startsWith("-Dboot-cost.")) {
						command.add(argument);
					}
				}
				System.getProperties().stringPropertyNames().stream()
					.filter((name) -> name.startsWith("boot-cost.") && !name.equals("boot-cost.forks"))
					.sorted()
					.forEach((name) -> command.add("-D" + name + "=" + System.getProperty(name)));
				command.add("-D" + ROUNDS_FILE + "=" + rounds);
				command.add("-cp");
				command.add(System.getProperty("java.class.path"));
				command.add(BootCostBenchmark.class.getName());
				System.err.println("fork " + fork + " of " + forks);
				int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
				if (exit != 0) {
					throw new IllegalStateException("Fork " + fork + " of the Boot mode failed with exit code " + exit);
				}
				runs.add(read(rounds));
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
			Map<String, List<BootRound>> rounds = new LinkedHashMap<>();
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

	/** A fork's cells, for its parent: one line per round, and one per context's meter count. */
	static void write(List<BootCost.Cell> cells) throws IOException {
		List<String> lines = new ArrayList<>();
		for (BootCost.Cell cell : cells) {
			String key = cell.protocol().name() + "\t" + cell.sampling();
			cell.rounds().forEach((context, rounds) -> rounds.forEach((round) -> lines.add(String.join("\t", "round",
					key, context, Integer.toString(round.requests()), Integer.toString(round.ok()),
					Long.toString(round.wallNanos()), Long.toString(round.cpuNanos()),
					Long.toString(round.allocatedBytes()), Integer.toString(round.connections())))));
			cell.conntraceRequests()
				.forEach((context, count) -> lines.add(String.join("\t", "counted", key, context, Double.toString(count))));
		}
		Files.write(Path.of(System.getProperty(ROUNDS_FILE)), lines, StandardCharsets.UTF_8);
	}

	private static List<BootCost.Cell> read(Path file) throws IOException {
		Map<String, Map<String, List<BootRound>>> rounds = new LinkedHashMap<>();
		Map<String, Map<String, Double>> counted = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
			String[] fields = line.split("\t");
			String key = fields[1] + "\t" + fields[2];
			if (fields[0].equals("round")) {
				rounds.computeIfAbsent(key, (k) -> new LinkedHashMap<>())
					.computeIfAbsent(fields[3], (k) -> new ArrayList<>())
					.add(new BootRound(Integer.parseInt(fields[4]), Integer.parseInt(fields[5]),
							Long.parseLong(fields[6]), Long.parseLong(fields[7]), Long.parseLong(fields[8]),
							Integer.parseInt(fields[9])));
			}
			else {
				counted.computeIfAbsent(key, (k) -> new LinkedHashMap<>()).put(fields[3], Double.parseDouble(fields[4]));
			}
		}
		List<BootCost.Cell> cells = new ArrayList<>();
		rounds.forEach((key, contexts) -> {
			String[] parts = key.split("\t");
			cells.add(new BootCost.Cell(BootProtocol.valueOf(parts[0]), Double.parseDouble(parts[1]), contexts,
					counted.getOrDefault(key, Map.of())));
		});
		return cells;
	}

}
