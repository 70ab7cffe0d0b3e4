package io.conntrace.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by a {@code conntrace.*} property out of range: which property,
 * the value given, the allowed range.
 */
class InvalidConntracePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConntracePropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidConntracePropertyException cause) {
		return new FailureAnalysis(
				"Property '" + cause.getProperty() + "' has the value '"
						+ InvalidConntracePropertyException.display(cause.getValue())
						+ "', which conntrace cannot use. Allowed: " + cause.getAllowed() + ".",
				"Update '" + cause.getProperty() + "' in your application's configuration to a value in the allowed range: "
						+ cause.getAllowed() + ".",
				cause);
	}

}
