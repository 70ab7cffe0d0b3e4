package io.conntrace.benchmarks;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Boot mode over JVMs of their own: each fork's rounds come back, and the cells pool them. */
class BootCostForksTests {

	private static final Map<String, String> TINY = Map.of("boot-cost.protocols", "http1", "boot-cost.samplings", "0",
			"boot-cost.rounds", "2", "boot-cost.warmup-rounds", "0", "boot-cost.requests", "50",
			"boot-cost.concurrency", "4");

	@BeforeEach
	void tinySettings() {
		TINY.forEach(System::setProperty);
	}

	@AfterEach
	void clearSettings() {
		TINY.keySet().forEach(System::clearProperty);
	}

	@Test
	void eachForkRunsTheModeInAJvmOfItsOwnAndTheCellsPoolTheirRounds() throws Exception {
		List<List<BootCost.Cell>> runs = BootCostBenchmark.forks(2);
		assertThat(runs).hasSize(2).allSatisfy((cells) -> {
			assertThat(cells).singleElement().satisfies((cell) -> {
				assertThat(cell.protocol()).isEqualTo(BootProtocol.HTTP1);
				assertThat(cell.rounds()).containsOnlyKeys(BootCost.OFF, BootCost.OFF_AGAIN, BootCost.CONNTRACE,
						BootCost.REACTOR_NETTY_METRICS);
				cell.rounds().values().forEach((rounds) -> assertThat(rounds).hasSize(2)
					.allSatisfy((round) -> assertThat(round.ok()).isEqualTo(50)));
				// The fork's own conntrace context counted its own requests, and only those.
				assertThat(cell.conntraceRequests()).containsEntry(BootCost.CONNTRACE, 100.0)
					.containsEntry(BootCost.OFF, 0.0);
			});
		});
		BootCost.Cell pooled = BootCostBenchmark.pooled(runs).get(0);
		assertThat(pooled.rounds().get(BootCost.CONNTRACE)).hasSize(4);
		assertThat(pooled.conntraceRequests()).containsEntry(BootCost.CONNTRACE, 200.0);
		assertThat(BootCostReport.perFork(runs)).contains("2 forks").containsPattern("\\| http1 \\| 0 \\| [0-9.]+, [0-9.]+ \\|");
	}

}
