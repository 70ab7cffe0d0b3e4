package io.conntrace.benchmarks;

/**
 * What the load looks like: plain HTTP or HTTPS, and how many requests are in flight at once.
 *
 * @param tls whether requests go to the HTTPS server
 * @param concurrency requests in flight at any time (closed loop: each one sends the next when it ends)
 */
record Scenario(boolean tls, int concurrency) {

	String label() {
		return (this.tls ? "HTTPS" : "HTTP") + " c" + this.concurrency;
	}

}
