package io.conntrace.trace;

/**
 * Where a request's attributes go. The default form is text, which every tracer and key value takes; a
 * tracer that keeps value types (OpenTelemetry) gets booleans, integers and milliseconds as doubles
 * instead, so a backend can compare them ({@link TypedSpanWriter}).
 */
@FunctionalInterface
interface FactWriter {

	/** Writes nothing: for a span that records nothing. */
	FactWriter NONE = (key, value) -> {
	};

	/**
	 * A text attribute, or one of a connection's cached attributes, which are kept as text whatever
	 * their type (see {@link ConnectionSpanAttributes#type()}).
	 */
	void text(String key, String value);

	default void flag(ConnectionSpanAttributes attribute, boolean value) {
		text(attribute.asString(), value ? "true" : "false");
	}

	default void count(ConnectionSpanAttributes attribute, int value) {
		text(attribute.asString(), RequestFacts.countText(value));
	}

	default void millis(ConnectionSpanAttributes attribute, long nanos) {
		text(attribute.asString(), Millis.format(nanos));
	}

	/** Two durations that are the same: as text, one string serves both. */
	default void sameMillis(ConnectionSpanAttributes first, ConnectionSpanAttributes second, long nanos) {
		String text = Millis.format(nanos);
		text(first.asString(), text);
		text(second.asString(), text);
	}

}
