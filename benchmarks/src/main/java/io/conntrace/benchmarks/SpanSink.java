package io.conntrace.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;

/**
 * Where finished spans go instead of a reporter: it counts them and keeps only the last few, so a
 * long run holds a bounded amount and the cost is the same for every traced variant.
 */
final class SpanSink extends SpanHandler {

	private static final int KEPT = 16;

	private final AtomicLong finished = new AtomicLong();

	private final AtomicReferenceArray<MutableSpan> recent = new AtomicReferenceArray<>(KEPT);

	@Override
	public boolean end(TraceContext context, MutableSpan span, Cause cause) {
		if (cause == Cause.FINISHED) {
			long count = this.finished.getAndIncrement();
			this.recent.set((int) (count % KEPT), span);
		}
		return true;
	}

	long finished() {
		return this.finished.get();
	}

	/** Up to the last {@value #KEPT} finished spans, in no particular order. */
	List<MutableSpan> recent() {
		List<MutableSpan> spans = new ArrayList<>(KEPT);
		for (int i = 0; i < KEPT; i++) {
			MutableSpan span = this.recent.get(i);
			if (span != null) {
				spans.add(span);
			}
		}
		return spans;
	}

}
