package io.conntrace.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import brave.Span;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import org.awaitility.Awaitility;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Keeps the spans the application's real Brave tracer finishes: Boot adds every {@link SpanHandler} bean to
 * it, beside the Zipkin reporter.
 */
final class CapturedSpans extends SpanHandler {

	private final ConcurrentLinkedQueue<MutableSpan> spans = new ConcurrentLinkedQueue<>();

	@Override
	public boolean end(TraceContext context, MutableSpan span, Cause cause) {
		this.spans.add(span);
		return true;
	}

	/** The gateway's spans of its proxied calls, once there are at least {@code expected}. */
	List<MutableSpan> calls(int expected) {
		return await(expected, (span) -> span.kind() == Span.Kind.CLIENT);
	}

	/** The gateway's server spans, once there are at least {@code expected} and they pass the check. */
	List<MutableSpan> served(int expected, Predicate<List<MutableSpan>> complete) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> servers(), (servers) -> servers.size() >= expected && complete.test(servers));
		return servers();
	}

	private List<MutableSpan> servers() {
		return this.spans.stream().filter((span) -> span.kind() == Span.Kind.SERVER).toList();
	}

	void clear() {
		this.spans.clear();
	}

	private List<MutableSpan> await(int expected, Predicate<MutableSpan> kind) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.spans.stream().filter(kind).count() >= expected);
		return this.spans.stream().filter(kind).toList();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Config {

		@Bean
		CapturedSpans capturedSpans() {
			return new CapturedSpans();
		}

	}

}
