package io.conntrace.trace;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;

/**
 * Writes a request's connection facts onto its span as the request's observation stops. Filters run
 * before the handlers' {@code onStop}, while the span is still open; observations without facts pass
 * through untouched. Micrometer does not catch what a filter throws, and a throw here would skip every
 * handler's {@code onStop} (no span ended, no timer recorded), hence the guard.
 */
final class ConnectionSpanFilter implements ObservationFilter {

	static final ConnectionSpanFilter INSTANCE = new ConnectionSpanFilter();

	private ConnectionSpanFilter() {
	}

	@Override
	public Observation.Context map(Observation.Context context) {
		try {
			RequestFacts facts = context.get(RequestFacts.KEY);
			if (facts != null && facts.spanned) {
				facts.filterCheck.filterRan();
				SpanFacts.write(context, facts);
			}
			else if (facts == null) {
				CancelledAcquire cancelled = context.get(CancelledAcquire.KEY);
				if (cancelled != null && cancelled.spanned) {
					cancelled.writeTo(SpanFacts.writer(context));
				}
			}
		}
		catch (Throwable ex) {
			Guard.failed(Hook.SPAN, ex);
		}
		return context;
	}

}
