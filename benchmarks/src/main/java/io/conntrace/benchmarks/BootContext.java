package io.conntrace.benchmarks;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One Boot application context of the Boot mode and the WebClient built from its {@code WebClient.Builder},
 * sending rounds of GETs to a local server. A round's cost is read from the whole process: CPU time and
 * bytes allocated by every thread (the client's and the server's event loops, the caller, GC work), so the
 * same server work is in every context's figure and only the client side differs.
 */
final class BootContext implements AutoCloseable {

	private static final com.sun.management.OperatingSystemMXBean os = operatingSystem();

	private final String name;

	private final ConfigurableApplicationContext context;

	private final WebClient client;

	private final URI uri;

	private final LocalServer server;

	private final BootProtocol protocol;

	private BootContext(String name, ConfigurableApplicationContext context, LocalServer server,
			BootProtocol protocol) {
		this.name = name;
		this.context = context;
		this.client = context.getBean(WebClient.Builder.class).build();
		this.uri = server.uri(protocol);
		this.server = server;
		this.protocol = protocol;
	}

	/**
	 * Start a context.
	 * @param name what the report calls it
	 * @param properties its own properties on top of the mode's, such as {@code conntrace.enabled=false}
	 */
	static BootContext start(String name, BootProtocol protocol, double sampling, LocalServer server,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.main.banner-mode=off",
				"spring.application.name=boot-cost-" + name, "management.tracing.sampling.probability=" + sampling,
				// No reporter backlog spilling from one round into the next.
				"management.tracing.export.zipkin.enabled=false", "benchmark.client.protocol=" + protocol.name(),
				"benchmark.client.trust=" + server.certificate().getAbsolutePath()));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(BootClientApp.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run();
		return new BootContext(name, context, server, protocol);
	}

	String name() {
		return this.name;
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	/** Send {@code requests} GETs, {@code concurrency} in flight, and read what they cost the process. */
	BootRound round(int requests, int concurrency, Duration timeout) {
		AtomicInteger ok = new AtomicInteger();
		int accepted = this.server.accepted(this.protocol);
		long cpu = os.getProcessCpuTime();
		AllocatedBytes allocated = AllocatedBytes.snapshot();
		long start = System.nanoTime();
		Flux.range(0, requests)
			.flatMap((i) -> this.client.get().uri(this.uri).retrieve().toBodilessEntity(), concurrency)
			.doOnNext((response) -> {
				if (response.getStatusCode().is2xxSuccessful()) {
					ok.incrementAndGet();
				}
			})
			.blockLast(timeout);
		long wall = System.nanoTime() - start;
		long cpuNanos = os.getProcessCpuTime() - cpu;
		long bytes = allocated.since();
		return new BootRound(requests, ok.get(), wall, cpuNanos, bytes, this.server.accepted(this.protocol) - accepted);
	}

	private static com.sun.management.OperatingSystemMXBean operatingSystem() {
		if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean)
				|| bean.getProcessCpuTime() < 0) {
			throw new IllegalStateException("This JVM does not report the process's CPU time");
		}
		return bean;
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * One round of one context: what it sent, what succeeded, what it cost, and how many connections the
	 * server accepted meanwhile (one context runs at a time).
	 */
	record BootRound(int requests, int ok, long wallNanos, long cpuNanos, long allocatedBytes, int connections)
			implements Serializable {

		double cpuMicrosPerRequest() {
			return this.cpuNanos / 1000.0 / this.requests;
		}

		double requestsPerSecond() {
			return this.requests * 1e9 / this.wallNanos;
		}

		double bytesPerRequest() {
			return (double) this.allocatedBytes / this.requests;
		}

	}

}
