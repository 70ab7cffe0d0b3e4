package io.conntrace.sample;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends a scenario's GET requests and describes each one's outcome in a line. A failed request is an
 * outcome to report, not an error of the scenario.
 */
final class Requests {

	private Requests() {
	}

	static Mono<String> get(WebClient client, String url) {
		return client.get()
			.uri(url)
			.retrieve()
			.toBodilessEntity()
			.map((response) -> "GET " + url + " -> " + response.getStatusCode())
			.onErrorResume((ex) -> Mono.just("GET " + url + " -> failed: " + describe(ex)));
	}

	/** Send {@code count} requests one after the other, pausing before each but the first. */
	static Mono<List<String>> sequential(WebClient client, String url, int count, Duration pause) {
		return Flux.range(0, count)
			.concatMap((index) -> Mono.delay((index == 0) ? Duration.ZERO : pause).then(get(client, url)))
			.collectList();
	}

	static String describe(Throwable ex) {
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		StringBuilder text = new StringBuilder(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
		// What conntrace adds to the error: the connection it ran on, or why the pool turned it away.
		for (Throwable suppressed : ex.getSuppressed()) {
			if (suppressed.getMessage() != null && suppressed.getMessage().startsWith("conntrace:")) {
				text.append(" | ").append(suppressed.getMessage());
			}
		}
		return text.toString();
	}

}
