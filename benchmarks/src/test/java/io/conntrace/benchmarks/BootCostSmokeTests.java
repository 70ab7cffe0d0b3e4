package io.conntrace.benchmarks;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Boot mode in tiny rounds, every protocol: keeps the four contexts sending real requests through
 * Boot's WebClient so the mode cannot rot between full runs. Measures nothing worth reading.
 */
class BootCostSmokeTests {

	private static List<BootCost.Cell> cells;

	@BeforeAll
	static void run() throws Exception {
		System.setProperty("benchmark.bare-hooks.counted", "true");
		cells = new BootCost(BootCostSettings.smoke(), (progress) -> {
		}).run();
	}

	@Test
	void everyContextOfEveryProtocolSentItsRoundsAndGotOnly2xx() {
		assertThat(cells).extracting(BootCost.Cell::protocol).containsExactly(BootProtocol.values());
		for (BootCost.Cell cell : cells) {
			assertThat(cell.rounds()).containsOnlyKeys(BootCost.OFF, BootCost.OFF_AGAIN, BootCost.CONNTRACE,
					BootCost.REACTOR_NETTY_METRICS, BootCost.BARE_HOOKS);
			cell.rounds().forEach((context, rounds) -> assertThat(rounds).as(cell.protocol() + " " + context)
				.hasSize(2)
				.allSatisfy((round) -> {
					assertThat(round.ok()).isEqualTo(round.requests());
					assertThat(round.cpuNanos()).isPositive();
					assertThat(round.allocatedBytes()).isPositive();
				}));
		}
	}

	@Test
	void conntraceRanInItsContextOnly() {
		for (BootCost.Cell cell : cells) {
			// Warm-up and measured rounds: every request of the conntrace context was counted by its meter.
			assertThat(cell.conntraceRequests().get(BootCost.CONNTRACE)).as(cell.protocol().label()).isEqualTo(600);
			assertThat(cell.conntraceRequests()).as(cell.protocol().label())
				.containsEntry(BootCost.OFF, 0.0)
				.containsEntry(BootCost.OFF_AGAIN, 0.0)
				.containsEntry(BootCost.REACTOR_NETTY_METRICS, 0.0)
				.containsEntry(BootCost.BARE_HOOKS, 0.0);
		}
	}

	@Test
	void theFloorsHooksRanOnEveryRequestOfTheirContext() {
		// 600 requests a protocol (a warm-up and two measured rounds of 200) went through the bare hooks' context.
		long requests = 600L * BootProtocol.values().length;
		assertThat(BareHooks.filtered.sum()).isEqualTo(requests);
		assertThat(BareHooks.connects.sum()).isGreaterThanOrEqualTo(requests);
		assertThat(BareHooks.states.sum()).isGreaterThanOrEqualTo(requests);
	}

	@Test
	void rendersTheReportWithTheAALine() {
		String report = BootCostReport.render(BootCostSettings.smoke(), cells);
		for (BootProtocol protocol : BootProtocol.values()) {
			assertThat(report).containsPattern("\\| " + protocol.label() + " \\| 0\\.1 \\| [0-9.]+ \\| ");
		}
		assertThat(report).contains("A/A").contains("bare hooks / off");
	}

}
