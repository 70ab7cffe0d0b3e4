package io.conntrace.trace;

/** Carries a description only: no stack trace, it is attached to an error that has one. */
final class FailureDescription extends RuntimeException {

	FailureDescription(String message) {
		super(message, null, false, false);
	}

}
