package io.conntrace.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One round of closed-loop load: a fixed number of workers, each sending its next request as soon as
 * its last one ended, until the round's time or request budget runs out. Latencies go into an array
 * allocated before the round, so recording them allocates nothing.
 */
final class LoadRound {

	private final BenchmarkClient client;

	private final long[] latencies;

	private final long deadline;

	/** Requests sent so far, counting each worker's first. */
	private final AtomicInteger sent;

	private final AtomicInteger ended = new AtomicInteger();

	private final AtomicInteger ok = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

	private LoadRound(BenchmarkClient client, int concurrency, long deadline, long[] latencies) {
		this.client = client;
		this.latencies = latencies;
		this.deadline = deadline;
		this.sent = new AtomicInteger(concurrency);
	}

	/**
	 * Run one round.
	 * @param client the variant's client
	 * @param server the server, to count the connections the round opened
	 * @param scenario the protocol and how many requests are in flight
	 * @param duration how long to keep sending
	 * @param timeout the most the round may take, in-flight requests included
	 * @param latencies where latencies go; its length is the round's request budget
	 * @return what the round did
	 */
	static RoundResult run(BenchmarkClient client, LocalServer server, Scenario scenario, Duration duration,
			Duration timeout, long[] latencies) {
		int concurrency = scenario.concurrency();
		int connectionsBefore = server.accepted(scenario.tls());
		AllocatedBytes allocation = AllocatedBytes.snapshot();
		long start = System.nanoTime();
		LoadRound round = new LoadRound(client, concurrency, start + duration.toNanos(), latencies);
		Flux.range(0, concurrency).flatMap((worker) -> round.worker(), concurrency).then().block(timeout);
		long elapsed = System.nanoTime() - start;
		long allocated = allocation.since();
		return round.result(elapsed, allocated, server.accepted(scenario.tls()) - connectionsBefore);
	}

	private Mono<Void> worker() {
		return Mono.defer(this::send).repeat(this::sendMore).then();
	}

	private Mono<Integer> send() {
		long start = System.nanoTime();
		return this.client.get().doOnNext((status) -> responded(status, start)).onErrorResume(this::failed);
	}

	private boolean sendMore() {
		return System.nanoTime() - this.deadline < 0 && this.sent.incrementAndGet() <= this.latencies.length;
	}

	private void responded(int status, long start) {
		long latency = System.nanoTime() - start;
		this.ended.incrementAndGet();
		if (status == 200) {
			this.latencies[this.ok.getAndIncrement()] = latency;
		}
		else {
			this.firstFailure.compareAndSet(null, new IllegalStateException("Status " + status));
		}
	}

	private Mono<Integer> failed(Throwable ex) {
		this.ended.incrementAndGet();
		this.failed.incrementAndGet();
		this.firstFailure.compareAndSet(null, ex);
		return Mono.empty();
	}

	private RoundResult result(long elapsed, long allocated, int connectionsOpened) {
		int ok = this.ok.get();
		Arrays.sort(this.latencies, 0, ok);
		Throwable failure = this.firstFailure.get();
		return new RoundResult(this.ended.get(), ok, this.failed.get(), elapsed, percentile(ok, 0.50),
				percentile(ok, 0.99), allocated, connectionsOpened, (failure != null) ? failure.toString() : null);
	}

	/** Nearest-rank percentile of the sorted latencies. */
	private long percentile(int count, double quantile) {
		if (count == 0) {
			return 0;
		}
		int rank = (int) Math.ceil(quantile * count);
		return this.latencies[Math.max(rank, 1) - 1];
	}

}
