package io.conntrace.benchmarks;

import java.util.Arrays;
import java.util.List;

import reactor.netty.http.HttpProtocol;

/** The protocols the Boot mode measures, each against a server of {@link LocalServer}. */
enum BootProtocol {

	HTTP1("http1", false, HttpProtocol.HTTP11),

	HTTPS1("https1", true, HttpProtocol.HTTP11),

	H2C("h2c", false, HttpProtocol.H2C),

	H2("h2", true, HttpProtocol.H2);

	private final String label;

	private final boolean tls;

	private final HttpProtocol protocol;

	BootProtocol(String label, boolean tls, HttpProtocol protocol) {
		this.label = label;
		this.tls = tls;
		this.protocol = protocol;
	}

	String label() {
		return this.label;
	}

	boolean tls() {
		return this.tls;
	}

	HttpProtocol protocol() {
		return this.protocol;
	}

	boolean http2() {
		return this.protocol != HttpProtocol.HTTP11;
	}

	/** Protocols such as {@code http1,h2}. */
	static List<BootProtocol> parse(String text) {
		return Arrays.stream(text.split(",")).map(String::trim).map((label) -> Arrays.stream(values())
			.filter((protocol) -> protocol.label.equals(label))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(
					"Not a protocol (http1, https1, h2c, h2): '" + label + "'"))).toList();
	}

}
