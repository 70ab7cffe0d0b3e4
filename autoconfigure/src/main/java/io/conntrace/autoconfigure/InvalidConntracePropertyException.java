package io.conntrace.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

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
		super("Invalid value '" + display(value) + "' for property '" + property + "': allowed is " + allowed);
		this.property = property;
		this.value = value;
		this.allowed = allowed;
	}

	/**
	 * Return a value as a user writes it in properties: durations as {@code 5s}, {@code 1500ms}, not ISO-8601.
	 * @param value a value
	 * @return its display form
	 */
	public static String display(Object value) {
		if (!(value instanceof Duration duration)) {
			return String.valueOf(value);
		}
		if (duration.isZero()) {
			return "0s";
		}
		long nanos = duration.toNanos();
		if (nanos % 1_000_000 != 0) {
			return (nanos % 1_000 == 0) ? (nanos / 1_000) + "us" : nanos + "ns";
		}
		long millis = duration.toMillis();
		for (ChronoUnit unit : new ChronoUnit[] { ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES,
				ChronoUnit.SECONDS }) {
			long unitMillis = unit.getDuration().toMillis();
			if (millis % unitMillis == 0) {
				return (millis / unitMillis) + UNITS.get(unit);
			}
		}
		return millis + "ms";
	}

	private static final Map<ChronoUnit, String> UNITS = Map.of(ChronoUnit.DAYS, "d", ChronoUnit.HOURS, "h",
			ChronoUnit.MINUTES, "m", ChronoUnit.SECONDS, "s");

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
