/**
 * What each pool is doing now: its open connections and what holds them, its recent events, and why a
 * request found it full. Fed by conntrace's listener callbacks and Reactor Netty's pool registrar. Free of
 * Spring.
 */
@NullMarked
package io.conntrace.pool;

import org.jspecify.annotations.NullMarked;
