package io.conntrace.trace;

import io.micrometer.tracing.Span;

/**
 * Writes attributes with their types onto a span whose tracer keeps them: {@code true}/{@code false} as
 * booleans, counts and ports as integers, durations as milliseconds in a double. Only for spans whose
 * class implements Micrometer's typed {@code tag} methods itself; the interface's defaults would turn
 * the values into Java's own text (a double's {@code 1.2345678E7}), so others get conntrace's text.
 */
final class TypedSpanWriter implements FactWriter {

	/** Per span class: whether it implements the typed tags. Computed once per class. */
	private static final ClassValue<Boolean> KEEPS_TYPES = new ClassValue<>() {
		@Override
		protected Boolean computeValue(Class<?> type) {
			try {
				return !type.getMethod("tag", String.class, double.class).getDeclaringClass().isInterface();
			}
			catch (Throwable ex) {
				return false;
			}
		}
	};

	private final Span span;

	private TypedSpanWriter(Span span) {
		this.span = span;
	}

	/** The writer for a recording span: typed where its tracer keeps types, text otherwise. */
	static FactWriter of(Span span) {
		return KEEPS_TYPES.get(span.getClass()) ? new TypedSpanWriter(span) : span::tag;
	}

	@Override
	public void text(String key, String value) {
		ConnectionSpanAttributes attribute = ConnectionSpanAttributes.named(key);
		ConnectionSpanAttributes.Type type = (attribute != null) ? attribute.type() : ConnectionSpanAttributes.Type.TEXT;
		switch (type) {
			case INTEGER -> this.span.tag(key, Long.parseLong(value));
			case BOOLEAN -> this.span.tag(key, Boolean.parseBoolean(value));
			case MILLIS -> this.span.tag(key, Double.parseDouble(value));
			default -> this.span.tag(key, value);
		}
	}

	@Override
	public void flag(ConnectionSpanAttributes attribute, boolean value) {
		this.span.tag(attribute.asString(), value);
	}

	@Override
	public void count(ConnectionSpanAttributes attribute, int value) {
		this.span.tag(attribute.asString(), (long) value);
	}

	@Override
	public void millis(ConnectionSpanAttributes attribute, long nanos) {
		this.span.tag(attribute.asString(), nanos / 1_000_000.0);
	}

	@Override
	public void sameMillis(ConnectionSpanAttributes first, ConnectionSpanAttributes second, long nanos) {
		millis(first, nanos);
		millis(second, nanos);
	}

}
