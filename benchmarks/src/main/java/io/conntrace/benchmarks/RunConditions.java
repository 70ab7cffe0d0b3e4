package io.conntrace.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

import io.conntrace.trace.ConnectionTracing;

/**
 * The machine and JVM a run had, and how busy the machine was around it: figures from a loaded
 * machine are noise, and the report says so.
 *
 * @param started when the run started
 * @param jvm JVM name and version
 * @param cores processors available to the JVM
 * @param os operating system and architecture
 * @param maxHeapBytes the heap limit
 * @param loadBefore system load average (1 min) at the start, negative if unknown
 * @param loadAfter system load average (1 min) at the end, negative if unknown
 * @param took how long the run took
 * @param conntrace where conntrace was loaded from and when that was built: a snapshot changes under
 * the same version
 */
record RunConditions(ZonedDateTime started, String jvm, int cores, String os, long maxHeapBytes, double loadBefore,
		double loadAfter, Duration took, String conntrace) {

	/** Conditions at the start of a run; {@link #finished} completes them. */
	static RunConditions starting() {
		Runtime runtime = Runtime.getRuntime();
		return new RunConditions(ZonedDateTime.now(),
				System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
				runtime.availableProcessors(), System.getProperty("os.name") + " " + System.getProperty("os.version")
						+ " " + System.getProperty("os.arch"),
				runtime.maxMemory(), load(), -1, Duration.ZERO, conntraceJar());
	}

	RunConditions finished() {
		return new RunConditions(this.started, this.jvm, this.cores, this.os, this.maxHeapBytes, this.loadBefore, load(),
				Duration.between(this.started, ZonedDateTime.now()), this.conntrace);
	}

	private static String conntraceJar() {
		try {
			Path location = Path.of(ConnectionTracing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			Instant modified = Files.getLastModifiedTime(location).toInstant().truncatedTo(ChronoUnit.SECONDS);
			return location.getFileName() + " of " + modified;
		}
		catch (Exception ex) {
			return "unknown location";
		}
	}

	private static double load() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return os.getSystemLoadAverage();
	}

}
