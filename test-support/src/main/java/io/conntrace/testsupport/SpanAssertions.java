package io.conntrace.testsupport;

import java.util.List;
import java.util.Map;

import brave.handler.MutableSpan;
import io.micrometer.common.docs.KeyName;

/**
 * Reads conntrace's attributes off finished spans. An attribute is named by its {@link KeyName} (conntrace's
 * {@code ConnectionSpanAttributes}) or by its name: this module depends on no conntrace module.
 */
public final class SpanAssertions {

	private static final String CONNECTION_REUSED = "conntrace.connection.reused";

	private SpanAssertions() {
	}

	/** The attribute's value on the span, {@code null} if it has none. */
	public static String tag(MutableSpan span, KeyName attribute) {
		return span.tag(attribute.asString());
	}

	/** A duration attribute in milliseconds; fails if the span does not have it. */
	public static double millis(MutableSpan span, KeyName attribute) {
		return millis(span, attribute.asString());
	}

	/** A duration attribute, named as it is on the span, in milliseconds; fails if the span does not have it. */
	public static double millis(MutableSpan span, String attribute) {
		String value = span.tag(attribute);
		if (value == null) {
			throw new AssertionError(attribute + " missing on span " + span);
		}
		return Double.parseDouble(value);
	}

	/** Whether the request ran on a reused connection; fails if the span does not say. */
	public static boolean reused(MutableSpan span) {
		String value = span.tag(CONNECTION_REUSED);
		if (value == null) {
			throw new AssertionError(CONNECTION_REUSED + " missing on span " + span);
		}
		return Boolean.parseBoolean(value);
	}

	/** How many of the spans say their request opened a new connection. */
	public static long newConnections(List<MutableSpan> spans) {
		return spans.stream().filter((span) -> !reused(span)).count();
	}

	/** The values of the span's annotations (conntrace's events), in the order they were added. */
	public static List<String> annotations(MutableSpan span) {
		return span.annotations().stream().map(Map.Entry::getValue).toList();
	}

}
