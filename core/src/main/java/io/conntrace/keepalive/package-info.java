/**
 * TCP keep-alive socket options for Reactor Netty clients. Free of Spring.
 */
@NullMarked
package io.conntrace.keepalive;

import org.jspecify.annotations.NullMarked;
