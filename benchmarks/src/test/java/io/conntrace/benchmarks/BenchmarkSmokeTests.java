package io.conntrace.benchmarks;

import java.util.List;
import java.util.Map;

import brave.handler.MutableSpan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark itself, in tiny rounds: a few seconds that keep every variant sending real requests,
 * so the full run cannot rot between the times someone runs it. Measures nothing worth reading.
 */
class BenchmarkSmokeTests {

	private static BenchmarkResult result;

	@BeforeAll
	static void run() throws Exception {
		result = new Benchmark(BenchmarkSettings.smoke(), (progress) -> {
		}).run();
	}

	@Test
	void everyVariantOfEveryScenarioGotOnly200s() {
		assertThat(result.rounds()).containsOnlyKeys(BenchmarkSettings.ALL_SCENARIOS);
		result.rounds().forEach((scenario, variants) -> {
			assertThat(variants).containsOnlyKeys(Variant.values());
			variants.forEach((variant, rounds) -> {
				assertThat(rounds).as("%s variant %s", scenario.label(), variant).hasSize(1);
				RoundResult round = rounds.get(0);
				assertThat(round.firstFailure()).as("%s variant %s", scenario.label(), variant).isNull();
				assertThat(round.requests()).as("%s variant %s", scenario.label(), variant).isPositive();
				assertThat(round.ok()).as("%s variant %s", scenario.label(), variant).isEqualTo(round.requests());
				assertThat(round.allocatedBytes()).isPositive();
			});
		});
	}

	@Test
	void newConnectionVariantOpensAConnectionPerRequestAndTheOthersReuse() {
		result.rounds().forEach((scenario, variants) -> {
			RoundResult closing = variants.get(Variant.NEW_CONNECTION).get(0);
			assertThat(closing.connectionsOpened()).as(scenario.label()).isEqualTo(closing.requests());
			RoundResult pooled = variants.get(Variant.TRACED).get(0);
			assertThat(pooled.connectionsOpened()).as(scenario.label()).isLessThan(pooled.requests());
		});
	}

	@Test
	void onlyTracedVariantsMadeSpansAndOnlyConntracesCarryItsAttributes() {
		Map<Variant, BenchmarkResult.Spans> spans = result.spans();
		assertThat(spans).containsOnlyKeys(Variant.TRACED, Variant.CONNTRACE, Variant.REACTOR_NETTY_METRICS);
		spans.values().forEach((traced) -> assertThat(traced.finished()).isPositive());
		List<MutableSpan> conntrace = spans.get(Variant.CONNTRACE).recent();
		assertThat(conntrace).isNotEmpty()
			.allSatisfy((span) -> assertThat(span.tag(MarkdownReport.REUSED)).isIn("true", "false"));
		assertThat(spans.get(Variant.TRACED).recent()).isNotEmpty()
			.allSatisfy((span) -> assertThat(span.tag(MarkdownReport.REUSED)).isNull());
	}

	@Test
	void rendersTheReport() {
		String report = MarkdownReport.render(result);
		for (Scenario scenario : BenchmarkSettings.ALL_SCENARIOS) {
			for (Variant variant : Variant.values()) {
				assertThat(report).contains("| " + scenario.label() + " | " + variant.label(scenario) + " |");
			}
		}
		assertThat(report).contains("### Targets");
	}

}
