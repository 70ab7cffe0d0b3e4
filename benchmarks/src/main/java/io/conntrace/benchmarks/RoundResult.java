package io.conntrace.benchmarks;

import org.jspecify.annotations.Nullable;

/**
 * What one variant did in one round.
 *
 * @param requests requests that ended, with a response or a failure
 * @param ok responses with status 200
 * @param failed requests that ended with an error
 * @param elapsedNanos from the first request sent to the last one ended
 * @param p50Nanos median latency of the requests with a response
 * @param p99Nanos 99th percentile latency of the requests with a response
 * @param allocatedBytes bytes allocated meanwhile by all threads of the JVM
 * @param connectionsOpened connections the server accepted meanwhile
 * @param firstFailure what the first failed request failed with, if any did
 */
record RoundResult(int requests, int ok, int failed, long elapsedNanos, long p50Nanos, long p99Nanos,
		long allocatedBytes, int connectionsOpened, @Nullable String firstFailure) {

	double throughput() {
		return this.ok * 1e9 / this.elapsedNanos;
	}

	double bytesPerRequest() {
		return (this.requests > 0) ? (double) this.allocatedBytes / this.requests : 0;
	}

}
