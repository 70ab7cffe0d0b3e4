package io.conntrace.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Range checks for {@code conntrace.*} values, each failing with the property's full name, the value
 * and the allowed range.
 */
public final class PropertyCheck {

	private PropertyCheck() {
	}

	/**
	 * Require a positive duration of at least a millisecond (the pool counts in millis), when one is set.
	 * @param property the full property name
	 * @param value the value, or {@code null} when unset
	 */
	public static void positive(String property, @Nullable Duration value) {
		if (value != null && value.toMillis() < 1) {
			throw new InvalidConntracePropertyException(property, value,
					"a positive duration of at least 1ms, for example 5s");
		}
	}

	/**
	 * Require a whole number within a range, when one is set.
	 * @param property the full property name
	 * @param value the value, or {@code null} when unset
	 * @param min the smallest allowed value
	 * @param max the largest allowed value
	 */
	public static void between(String property, @Nullable Integer value, int min, int max) {
		if (value != null && (value < min || value > max)) {
			throw new InvalidConntracePropertyException(property, value,
					(max == Integer.MAX_VALUE) ? min + " or more" : "from " + min + " to " + max);
		}
	}

	/**
	 * Require a whole number of seconds within a range, when one is set.
	 * @param property the full property name
	 * @param value the value, or {@code null} when unset
	 * @param maxSeconds the largest allowed number of seconds
	 */
	public static void wholeSeconds(String property, @Nullable Duration value, int maxSeconds) {
		if (value != null && (value.toMillis() % 1000 != 0 || value.getSeconds() < 1 || value.getSeconds() > maxSeconds)) {
			throw new InvalidConntracePropertyException(property, value,
					"whole seconds from 1s to " + maxSeconds + "s (TCP keep-alive counts in seconds)");
		}
	}

}
