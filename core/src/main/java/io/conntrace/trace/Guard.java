package io.conntrace.trace;

import java.util.EnumSet;
import java.util.Set;

import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Keeps conntrace's own failures away from the request. Reactor Netty does not catch what an
 * observer throws (the request can hang or leak its connection), so every hook catches everything
 * and reports here: once per hook at WARN with the cause, afterwards at DEBUG so a persistent fault
 * cannot flood the log.
 */
final class Guard {

	private static final Logger logger = Loggers.getLogger(ConnectionTracing.class);

	private static final Set<Hook> warned = EnumSet.noneOf(Hook.class);

	private Guard() {
	}

	static void failed(Hook hook, Throwable ex) {
		boolean first;
		synchronized (warned) {
			first = warned.add(hook);
		}
		if (first) {
			logger.warn("conntrace failed at " + hook + "; the request continues without its connection facts", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("conntrace failed again at " + hook, ex);
		}
	}

}
