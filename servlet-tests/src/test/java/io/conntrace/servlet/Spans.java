package io.conntrace.servlet;

import java.time.Duration;
import java.util.List;

import brave.handler.MutableSpan;
import io.conntrace.autoconfigure.trace.TracedContext.CapturedSpans;
import org.awaitility.Awaitility;

/** Reads conntrace's attributes off the client spans a test application finished. */
final class Spans {

	private Spans() {
	}

	/** The client spans, once at least {@code expected} have finished. */
	static List<MutableSpan> client(CapturedSpans spans, int expected) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> spans.client().size() >= expected);
		return spans.client();
	}

	static boolean reused(MutableSpan span) {
		String value = span.tag("conntrace.connection.reused");
		if (value == null) {
			throw new AssertionError("conntrace.connection.reused missing on span " + span);
		}
		return Boolean.parseBoolean(value);
	}

	static long newConnections(List<MutableSpan> spans) {
		return spans.stream().filter((span) -> !reused(span)).count();
	}

	static double millis(MutableSpan span, String attribute) {
		String value = span.tag(attribute);
		if (value == null) {
			throw new AssertionError(attribute + " missing on span " + span);
		}
		return Double.parseDouble(value);
	}

}
