package io.conntrace.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Blocking calls made at once from a pool of threads, as a servlet application's requests make them. */
final class Callers {

	private Callers() {
	}

	/**
	 * Make {@code calls} calls from {@code threads} threads and wait for all of them (30 s at most each).
	 * @return each call's outcome, in the order the calls were made
	 */
	static <T> List<Outcome<T>> run(int threads, int calls, Supplier<T> call) throws Exception {
		ExecutorService callers = Executors.newFixedThreadPool(threads);
		try {
			List<CompletableFuture<T>> running = new ArrayList<>();
			for (int i = 0; i < calls; i++) {
				running.add(CompletableFuture.supplyAsync(call, callers));
			}
			List<Outcome<T>> outcomes = new ArrayList<>();
			for (CompletableFuture<T> future : running) {
				try {
					outcomes.add(new Outcome<>(future.get(30, TimeUnit.SECONDS), null));
				}
				catch (ExecutionException ex) {
					outcomes.add(new Outcome<>(null, ex.getCause()));
				}
			}
			return outcomes;
		}
		finally {
			callers.shutdownNow();
		}
	}

	/** A call's value, or the failure it threw. */
	record Outcome<T>(T value, Throwable failure) {
	}

}
