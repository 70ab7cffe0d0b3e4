package io.conntrace.benchmarks;

/**
 * The clients compared. Each gets its own connection pool, so their connections never mix.
 */
enum Variant {

	/** A WebClient without an observation registry: no tracing, no conntrace. */
	PLAIN(0, "plain WebClient", false),

	/** Tracing on (Brave, every request sampled) with observation metrics: the baseline. */
	TRACED(1, "tracing", true),

	/** The baseline plus conntrace with spans, its meters and its pool gauges. */
	CONNTRACE(2, "tracing + conntrace", true),

	/** The baseline plus Reactor Netty's own client and pool metrics, for comparison. */
	REACTOR_NETTY_METRICS(3, "tracing + Reactor Netty metrics", true),

	/**
	 * The plain WebClient sending {@code Connection: close}: a new connection (over HTTPS a new TLS
	 * connection) for every request, the cost conntrace's facts are about.
	 */
	NEW_CONNECTION(4, "plain, new connection per request", false);

	private final int number;

	private final String description;

	private final boolean traced;

	Variant(int number, String description, boolean traced) {
		this.number = number;
		this.description = description;
		this.traced = traced;
	}

	int number() {
		return this.number;
	}

	String label(Scenario scenario) {
		String description = (this == NEW_CONNECTION && scenario.tls()) ? "plain, new TLS connection per request"
				: this.description;
		return this.number + " " + description;
	}

	boolean traced() {
		return this.traced;
	}

	/** The variant this one's ratios are taken against: the traced baseline, or for new connections, plain. */
	Variant base() {
		return (this == NEW_CONNECTION) ? PLAIN : TRACED;
	}

}
