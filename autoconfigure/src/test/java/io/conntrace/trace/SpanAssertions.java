package io.conntrace.trace;

import java.util.List;

import brave.handler.MutableSpan;

/** Reads conntrace's attributes off finished spans. */
final class SpanAssertions {

	private SpanAssertions() {
	}

	static String tag(MutableSpan span, ConnectionSpanAttributes attribute) {
		return span.tag(attribute.asString());
	}

	static double millis(MutableSpan span, ConnectionSpanAttributes attribute) {
		String value = tag(span, attribute);
		if (value == null) {
			throw new AssertionError(attribute.asString() + " missing on span " + span);
		}
		return Double.parseDouble(value);
	}

	static boolean reused(MutableSpan span) {
		String value = tag(span, ConnectionSpanAttributes.CONNECTION_REUSED);
		if (value == null) {
			throw new AssertionError("conntrace.connection.reused missing on span " + span);
		}
		return Boolean.parseBoolean(value);
	}

	static long newConnections(List<MutableSpan> spans) {
		return spans.stream().filter((span) -> !reused(span)).count();
	}

	static List<String> annotations(MutableSpan span) {
		return span.annotations().stream().map(java.util.Map.Entry::getValue).toList();
	}

}
