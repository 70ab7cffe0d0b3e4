package io.conntrace.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import reactor.netty.http.HttpProtocol;

/** The protocols the Boot mode measures, each against a server of {@link LocalServer}. */
enum BootProtocol {

	HTTP1(HttpProtocol.HTTP11, false), HTTPS1(HttpProtocol.HTTP11, true), H2C(HttpProtocol.H2C, false),
	H2(HttpProtocol.H2, true);

	private final HttpProtocol protocol;

	private final boolean tls;

	BootProtocol(HttpProtocol protocol, boolean tls) {
		this.protocol = protocol;
		this.tls = tls;
	}

	/** As {@code boot-cost.protocols} and the report name it: {@code http1}, {@code https1}, {@code h2c}, {@code h2}. */
	String label() {
		return name().toLowerCase(Locale.ROOT);
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
			.filter((protocol) -> protocol.label().equals(label))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Not a protocol (http1, https1, h2c, h2): '" + label + "'")))
			.toList();
	}

}
