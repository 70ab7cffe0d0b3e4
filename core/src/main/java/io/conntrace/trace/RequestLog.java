package io.conntrace.trace;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The connection facts of one request for a log line, such as conntrace's opt-in
 * {@code io.conntrace.log} line. A request's facts are kept only when its span records; a log asks for
 * them on every request with {@link #want} as the observation starts, and reads them as it stops. Text in
 * a stable {@code key=value} form; durations in milliseconds with three fraction digits. Never a URL
 * query, user-info or header value: conntrace does not hold them.
 */
public final class RequestLog {

	/** The context key a log puts to ask for the facts. */
	private static final Object WANTED = RequestLog.class;

	private RequestLog() {
	}

	/**
	 * Ask for the connection facts of the request behind this observation, whether its span records or
	 * not. Call it when the observation starts.
	 * @param context the request's observation context
	 */
	public static void want(Observation.Context context) {
		context.put(WANTED, Boolean.TRUE);
	}

	static boolean wanted(Observation observation) {
		return observation.getContext().get(WANTED) != null;
	}

	/**
	 * Return the request's connection facts as {@code key=value} pairs separated by spaces, for example
	 * {@code reused=true conn=1a2b3c4d#3 protocol=1.1 idle_ms=1200.431 wait_ms=0.000 acquire_ms=0.214}, or
	 * {@code cancelled_in=tls acquire_ms=200.120 connect_ms=0.300} for a request cancelled before it got a
	 * connection.
	 * @param context the request's observation context
	 * @return the facts, {@code null} if the request got none (it never reached a connection)
	 */
	public static @Nullable String connectionFacts(Observation.Context context) {
		RequestFacts facts = context.get(RequestFacts.KEY);
		if (facts != null) {
			StringBuilder line = new StringBuilder(160);
			facts.writeLogTo(line);
			return line.toString();
		}
		CancelledAcquire cancelled = context.get(CancelledAcquire.KEY);
		if (cancelled != null) {
			StringBuilder line = new StringBuilder(80);
			cancelled.writeLogTo(line);
			return line.toString();
		}
		return null;
	}

	/**
	 * Return a duration as conntrace writes durations: milliseconds with three fraction digits.
	 * @param nanos the duration
	 * @return for example {@code 12.345}
	 */
	public static String millis(long nanos) {
		return Millis.format(nanos);
	}

	/**
	 * Return the request's acquire time.
	 * @param context the request's observation context
	 * @return nanoseconds, -1 if unknown
	 */
	public static long acquireNanos(Observation.Context context) {
		RequestFacts facts = context.get(RequestFacts.KEY);
		if (facts != null) {
			return facts.acquireNanos();
		}
		CancelledAcquire cancelled = context.get(CancelledAcquire.KEY);
		return (cancelled != null) ? cancelled.acquireNanos() : -1;
	}

}
