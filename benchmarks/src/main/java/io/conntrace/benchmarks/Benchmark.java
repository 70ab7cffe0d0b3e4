package io.conntrace.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import reactor.netty.http.HttpResources;

/**
 * Runs every variant against the local server in one JVM: first a warm-up of each, then measured
 * rounds in which the variants take turns, each round in a rotated order, so that drift in the
 * machine (JIT, heap, a neighbour's load) is spread over all of them rather than charged to one.
 */
final class Benchmark {

	private final BenchmarkSettings settings;

	private final Consumer<String> progress;

	Benchmark(BenchmarkSettings settings, Consumer<String> progress) {
		this.settings = settings;
		this.progress = progress;
	}

	BenchmarkResult run() throws Exception {
		RunConditions conditions = RunConditions.starting();
		Map<Variant, VariantResources> resources = new EnumMap<>(Variant.class);
		Map<ClientKey, BenchmarkClient> clients = new LinkedHashMap<>();
		try (LocalServer server = LocalServer.start()) {
			try {
				for (Variant variant : Variant.values()) {
					resources.put(variant, VariantResources.create(variant, this.settings.sampling()));
				}
				for (Scenario scenario : this.settings.scenarios()) {
					for (Variant variant : Variant.values()) {
						clients.computeIfAbsent(new ClientKey(scenario.tls(), variant),
								(key) -> BenchmarkClient.create(resources.get(variant), server, scenario.tls()));
					}
				}
				// Allocated once: recording latencies must not allocate during a round.
				long[] latencies = new long[this.settings.maxRequestsPerRound()];
				warmUp(server, clients, latencies);
				Map<Scenario, Map<Variant, List<RoundResult>>> rounds = measure(server, clients, latencies);
				return new BenchmarkResult(this.settings, conditions.finished(), rounds, spans(resources));
			}
			finally {
				clients.values().forEach(BenchmarkClient::close);
				resources.values().forEach(VariantResources::close);
			}
		}
		finally {
			HttpResources.disposeLoopsAndConnectionsLater(Duration.ZERO, Duration.ofSeconds(2))
				.block(Duration.ofSeconds(10));
		}
	}

	private void warmUp(LocalServer server, Map<ClientKey, BenchmarkClient> clients, long[] latencies) {
		for (Scenario scenario : this.settings.scenarios()) {
			this.progress.accept("warm-up " + scenario.label());
			for (Variant variant : Variant.values()) {
				BenchmarkClient client = clients.get(new ClientKey(scenario.tls(), variant));
				RoundEvent.record(scenario, variant, true, () -> LoadRound.run(client, server, scenario,
						this.settings.warmup(), this.settings.roundTimeout(), latencies));
			}
		}
	}

	private Map<Scenario, Map<Variant, List<RoundResult>>> measure(LocalServer server,
			Map<ClientKey, BenchmarkClient> clients, long[] latencies) throws InterruptedException {
		Map<Scenario, Map<Variant, List<RoundResult>>> results = new LinkedHashMap<>();
		List<Scenario> scenarios = this.settings.scenarios();
		for (int round = 0; round < this.settings.rounds(); round++) {
			this.progress.accept("round " + (round + 1) + " of " + this.settings.rounds());
			for (int s = 0; s < scenarios.size(); s++) {
				Scenario scenario = scenarios.get(s);
				for (Variant variant : rotated(round + s)) {
					settle(this.settings.settle());
					BenchmarkClient client = clients.get(new ClientKey(scenario.tls(), variant));
					RoundResult result = RoundEvent.record(scenario, variant, false, () -> LoadRound.run(client,
							server, scenario, this.settings.round(), this.settings.roundTimeout(), latencies));
					results.computeIfAbsent(scenario, (key) -> new EnumMap<>(Variant.class))
						.computeIfAbsent(variant, (key) -> new ArrayList<>())
						.add(result);
				}
			}
		}
		return results;
	}

	/** The variants in an order that moves by one each round, so none always runs first or after another. */
	private static List<Variant> rotated(int by) {
		Variant[] variants = Variant.values();
		List<Variant> order = new ArrayList<>(variants.length);
		for (int i = 0; i < variants.length; i++) {
			order.add(variants[(i + by) % variants.length]);
		}
		return order;
	}

	/**
	 * Each round starts on an empty young generation, so it pays for its own garbage only; the Boot mode too.
	 * @param pause how long to let the collection and closing connections finish, zero for no collection
	 */
	static void settle(Duration pause) throws InterruptedException {
		if (pause.isZero()) {
			return;
		}
		System.gc();
		Thread.sleep(pause.toMillis());
	}

	private static Map<Variant, BenchmarkResult.Spans> spans(Map<Variant, VariantResources> resources) {
		Map<Variant, BenchmarkResult.Spans> spans = new EnumMap<>(Variant.class);
		resources.forEach((variant, resource) -> {
			SpanSink sink = resource.spans();
			if (sink != null) {
				spans.put(variant, new BenchmarkResult.Spans(sink.finished(), sink.recent()));
			}
		});
		return spans;
	}

	private record ClientKey(boolean tls, Variant variant) {

	}

}
