package io.conntrace.autoconfigure;

/**
 * A {@code conntrace.*} property has a value outside its allowed range. Thrown while the application
 * starts, before any request, and reported by {@link InvalidConntracePropertyFailureAnalyzer}.
 */
public final class InvalidConntracePropertyException extends RuntimeException {

	private final String property;

	private final Object value;

	private final String allowed;

	/**
	 * Create a new exception.
	 * @param property the full property name, for example {@code conntrace.pool.max-connections}
	 * @param value the value given
	 * @param allowed the allowed range, for example {@code 1 or more}
	 */
	public InvalidConntracePropertyException(String property, Object value, String allowed) {
		super("Invalid value '" + value + "' for property '" + property + "': allowed is " + allowed);
		this.property = property;
		this.value = value;
		this.allowed = allowed;
	}

	public String getProperty() {
		return this.property;
	}

	public Object getValue() {
		return this.value;
	}

	public String getAllowed() {
		return this.allowed;
	}

}
