/**
 * Instrumentation core: records, on the request's own path, what happened to the connection each
 * Reactor Netty request used and writes it onto the span of the request's Micrometer
 * {@code Observation} as that observation stops.
 * Free of Spring so that a plain Reactor Netty user can call {@link io.conntrace.trace.ConnectionTracing}.
 * Its public types are the API docs/reactor-netty.md lists: those for applications, and those for a client
 * framework's adaptor (the stale-connection retry's {@link io.conntrace.trace.RequestAttempts},
 * {@link io.conntrace.trace.StaleConnections}, {@link io.conntrace.trace.ResendOnce}); everything else is
 * package-private.
 */
@NullMarked
package io.conntrace.trace;

import org.jspecify.annotations.NullMarked;
