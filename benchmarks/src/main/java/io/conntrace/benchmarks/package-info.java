/**
 * A side-by-side benchmark of conntrace: the same WebClient requests against a local Reactor Netty
 * server, uninstrumented, traced, traced with conntrace and traced with Reactor Netty's own metrics,
 * measured in interleaved rounds in one JVM.
 */
@NullMarked
package io.conntrace.benchmarks;

import org.jspecify.annotations.NullMarked;
