package io.conntrace.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Makes blocking calls (RestClient, an HTTP service interface) one after the other off the event loop, and
 * describes each one's outcome in a line as {@link Requests} does for WebClient.
 */
final class Calls {

	private Calls() {
	}

	/**
	 * Make {@code count} calls one after the other, pausing before each but the first, on a thread that may block.
	 * @param description what each call is, for its line
	 * @param call the call, answering the response's status
	 */
	static Mono<List<String>> sequential(String description, Supplier<Object> call, int count, Duration pause) {
		return Mono.fromCallable(() -> {
			List<String> lines = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				if (i > 0) {
					// The scenario's pause between calls: what the spans' idle_ms must show.
					Thread.sleep(pause.toMillis());
				}
				try {
					lines.add(description + " -> " + call.get());
				}
				catch (RuntimeException ex) {
					lines.add(description + " -> failed: " + Requests.describe(ex));
				}
			}
			return lines;
		}).subscribeOn(Schedulers.boundedElastic());
	}

}
