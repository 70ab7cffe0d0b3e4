/**
 * What conntrace costs a Boot application: Boot application contexts with conntrace on and off (and an A/A
 * pair, Reactor Netty's own metrics, optionally hooks that do nothing) sending the same WebClient requests to
 * a local Reactor Netty server, in interleaved rounds in one JVM ({@link io.conntrace.benchmarks.BootCostBenchmark}).
 */
@NullMarked
package io.conntrace.benchmarks;

import org.jspecify.annotations.NullMarked;
