package io.conntrace.sample;

import org.jspecify.annotations.Nullable;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * One thing that can happen on the wire, staged against a local server of its own and served at
 * {@code GET /scenarios/<name>}.
 */
interface Scenario {

	/** The scenario's name, the last segment of its endpoint. */
	String name();

	/** What to look for on this run's client spans in Zipkin. */
	String lookFor();

	/** The server this scenario's requests reach; its accept count is the ground truth. */
	TargetServer target();

	/**
	 * Send this scenario's requests.
	 * @return one line per request: what was sent and what came back, failures included
	 */
	Mono<List<String>> run();

	/** What the pool looked like during the last run, where the scenario took a look; else {@code null}. */
	default @Nullable Object poolSnapshot() {
		return null;
	}

}
