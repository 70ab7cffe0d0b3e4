package io.conntrace.testsupport;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** What one logger writes while the capture is open (Logback), for tests that assert a line is logged once. */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private LogCapture(Logger logger) {
		this.logger = logger;
		this.appender.start();
		logger.addAppender(this.appender);
	}

	/**
	 * Start capturing what a logger writes.
	 * @param name the class the logger is named after
	 * @return the capture; close it to stop
	 */
	public static LogCapture of(Class<?> name) {
		return new LogCapture((Logger) LoggerFactory.getLogger(name));
	}

	/** Every event so far, oldest first. */
	public List<ILoggingEvent> events() {
		synchronized (this.appender.list) {
			return new ArrayList<>(this.appender.list);
		}
	}

	/** The WARN events so far, oldest first. */
	public List<ILoggingEvent> warnings() {
		return events().stream().filter((event) -> event.getLevel() == Level.WARN).toList();
	}

	/** The formatted messages of the WARN events so far. */
	public List<String> warningMessages() {
		return warnings().stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

	/** Forget what was captured so far. */
	public void clear() {
		synchronized (this.appender.list) {
			this.appender.list.clear();
		}
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
	}

}
