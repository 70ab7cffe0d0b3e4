package io.conntrace.trace;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.netty.http.client.HttpClient;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The Reactor Netty internals behind what conntrace changes in the pool, each checked once, when the first
 * {@link ConnectionTracing} is made. Where one is missing (a Reactor Netty conntrace was not tested with), the
 * feature it serves is off, one WARN names it, and requests go on as they would without that feature: each use
 * of an internal also falls back on its own when it finds nothing.
 */
final class Internals {

	/** What conntrace was tested with; said in the line so that a user knows what to compare. */
	static final String TESTED = "Reactor Netty 1.3.8 (Spring Boot 4.1.2)";

	private static final Logger logger = Loggers.getLogger(ConnectionTracing.class);

	private static final AtomicBoolean CHECKED = new AtomicBoolean();

	private Internals() {
	}

	/** Check once per JVM and say what is missing. */
	static void checkOnce() {
		if (!CHECKED.get() && CHECKED.compareAndSet(false, true)) {
			try {
				String version = runningVersion();
				for (String line : lines(missing(), version)) {
					logger.warn(line);
				}
			}
			catch (Throwable ex) {
				logger.debug("conntrace could not check Reactor Netty's internals", ex);
			}
		}
	}

	/** The internals this Reactor Netty lacks. */
	static Set<Internal> missing() {
		Set<Internal> missing = EnumSet.noneOf(Internal.class);
		for (Internal internal : Internal.values()) {
			if (!internal.present()) {
				missing.add(internal);
			}
		}
		return missing;
	}

	/** One line per missing internal: the feature that is off, what is missing, and what was tested. */
	static List<String> lines(Set<Internal> missing, String version) {
		List<String> lines = new ArrayList<>();
		for (Internal internal : missing) {
			lines.add("conntrace: " + internal.feature + " is off: Reactor Netty " + version + " has no "
					+ internal.internal + " (conntrace was tested with " + TESTED + "); requests go on without it");
		}
		return lines;
	}

	private static String runningVersion() {
		Package netty = HttpClient.class.getPackage();
		String version = (netty != null) ? netty.getImplementationVersion() : null;
		return (version != null) ? version : "(version unknown)";
	}

	/** An internal and the feature that needs it. */
	enum Internal {

		/** {@link RequestTarget}. */
		CONNECT_CONFIG("taking a cancelled request out of the pool's queue and keeping the connection opened for it "
				+ "(both need to know the client speaks HTTP/1.1 only), the server of a request cancelled before it "
				+ "got a connection, the longest wait in /actuator/conntrace and a blocking call's URL in its "
				+ "failure description", "HttpClientConnect$MonoHttpConnect.config") {

			@Override
			boolean present() {
				return RequestTarget.available();
			}

		},

		/** {@link KeptDial}. */
		CONNECTION_OWNER("keeping a connection opened for a request cancelled meanwhile (conntrace.pool.keep-cancelled-dials)",
				"channel attribute connectionOwner") {

			@Override
			boolean present() {
				try {
					// The attribute is made when Reactor Netty's pooled provider class is initialized.
					Class.forName("reactor.netty.resources.DefaultPooledConnectionProvider", true,
							HttpClient.class.getClassLoader());
					return AttributeKey.exists("connectionOwner");
				}
				catch (ClassNotFoundException | LinkageError ex) {
					return false;
				}
			}

		},

		/** {@link PendingAcquireTimer} and {@link AcquireWatch}. */
		POOL_BORROWER("the pool wait of queued requests (conntrace.pool.wait_ms) and taking a cancelled request "
				+ "out of the pool's queue", "pool borrower that is a Subscription") {

			@Override
			boolean present() {
				Class<?> borrower = load("reactor.netty.internal.shaded.reactor.pool.AbstractPool$Borrower");
				return borrower != null && Subscription.class.isAssignableFrom(borrower);
			}

		};

		private final String feature;

		private final String internal;

		Internal(String feature, String internal) {
			this.feature = feature;
			this.internal = internal;
		}

		abstract boolean present();

		private static @Nullable Class<?> load(String name) {
			try {
				return Class.forName(name, false, HttpClient.class.getClassLoader());
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return null;
			}
		}

	}

}
