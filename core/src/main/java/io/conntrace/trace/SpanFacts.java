package io.conntrace.trace;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSession;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import static io.conntrace.trace.ConnectionSpanAttributes.CONNECTION_ID;
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PEER_ADDRESS;
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PEER_PORT;
import static io.conntrace.trace.ConnectionSpanAttributes.NETWORK_PROTOCOL_VERSION;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_CIPHER;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_PROTOCOL_VERSION;
import static io.conntrace.trace.ConnectionSpanAttributes.TLS_RESUMED;

/**
 * Puts a request's connection facts on its span: the phase-end events of {@link ConnectionSpanEvents}
 * with their real timestamps when the request is bound to its connection, and the attributes of
 * {@link ConnectionSpanAttributes} when its observation stops (see {@link RequestFacts}). Attributes go
 * straight onto the tracing span, so none can become a tag of the {@code http.client.requests} timer;
 * without a tracing span they become high-cardinality key values, for whatever other handler reads them.
 */
final class SpanFacts {

	private SpanFacts() {
	}

	/** Mark on the span's timeline where the connection's phases ended. Runs when the request is bound. */
	static void events(Observation observation, ConnectionState state, boolean reused, long acquired) {
		if (!TracingSpan.AVAILABLE) {
			return;
		}
		if (!reused) {
			if (state.dnsNanos() >= 0) {
				event(observation, ConnectionSpanEvents.DNS, state.resolveEnd);
			}
			if (state.connectNanos() >= 0) {
				event(observation, ConnectionSpanEvents.CONNECT, state.connectEnd);
			}
			if (state.tlsNanos() >= 0) {
				event(observation, ConnectionSpanEvents.TLS, state.tlsEnd);
			}
		}
		if (acquired != 0) {
			event(observation, ConnectionSpanEvents.ACQUIRED, acquired);
		}
	}

	/**
	 * Whether the facts go on this observation's span: spans are on, and it records (without a span behind
	 * the observation, no tracing handler, other handlers may still read the facts as key values).
	 */
	static boolean spanned(Observation observation, boolean spans) {
		return spans && (!TracingSpan.AVAILABLE || TracingSpan.recording(observation));
	}

	/** Write a request's attributes. Runs as its observation stops. */
	static void write(Observation.Context context, RequestFacts facts) {
		facts.writeTo(writer(context));
	}

	/**
	 * Where an observation's attributes go: straight onto its tracing span (typed where the tracer keeps
	 * types), else high-cardinality key values.
	 */
	static FactWriter writer(Observation.Context context) {
		FactWriter span = TracingSpan.AVAILABLE ? TracingSpan.writer(context) : null;
		return (span != null) ? span : (key, value) -> context.addHighCardinalityKeyValue(KeyValue.of(key, value));
	}

	/**
	 * The connection's id, protocol version, peer and TLS attributes as key and value pairs: the same on
	 * every request, so made on its first only (and once more if an h2c upgrade turns it to HTTP/2). Runs
	 * on the channel's event loop, when a request is bound.
	 */
	static String[] fixedAttributes(Channel channel, ConnectionState state) {
		String[] fixed = state.fixedAttributes;
		if (fixed == null) {
			List<String> pairs = new ArrayList<>(12);
			add(pairs, CONNECTION_ID, state.id);
			add(pairs, NETWORK_PROTOCOL_VERSION, state.http2 ? "2" : "1.1");
			if (channel.remoteAddress() instanceof InetSocketAddress address) {
				// The IP actually connected, never the host name the user wrote (that is on Spring's own attributes).
				add(pairs, NETWORK_PEER_ADDRESS,
						(address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString());
				add(pairs, NETWORK_PEER_PORT, Integer.toString(address.getPort()));
			}
			SslHandler ssl = channel.pipeline().get(SslHandler.class);
			if (ssl != null) {
				SSLSession session = ssl.engine().getSession();
				add(pairs, TLS_PROTOCOL_VERSION, ConnectionState.tlsVersion(session.getProtocol()));
				add(pairs, TLS_CIPHER, session.getCipherSuite());
				Boolean resumed = state.tlsResumed;
				if (resumed != null) {
					add(pairs, TLS_RESUMED, resumed ? "true" : "false");
				}
			}
			fixed = pairs.toArray(new String[0]);
			state.fixedAttributes = fixed;
		}
		return fixed;
	}

	private static void add(List<String> pairs, ConnectionSpanAttributes attribute, String value) {
		pairs.add(attribute.asString());
		pairs.add(value);
	}

	/** Converts a {@code nanoTime} stamp to wall-clock millis, the unit span events carry. */
	private static void event(Observation observation, ConnectionSpanEvents event, long nanos) {
		long wall = System.currentTimeMillis() - (System.nanoTime() - nanos) / 1_000_000;
		TracingSpan.event(observation, event.asString(), wall);
	}

}
