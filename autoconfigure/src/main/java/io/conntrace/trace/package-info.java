/**
 * Instrumentation core: records, on the request's own path, what happened to the connection each
 * Reactor Netty request used and writes it onto the span of the request's Micrometer
 * {@code Observation} as that observation stops.
 * Free of Spring so that a plain Reactor Netty user can call {@link io.conntrace.trace.ConnectionTracing}.
 */
@NullMarked
package io.conntrace.trace;

import org.jspecify.annotations.NullMarked;
