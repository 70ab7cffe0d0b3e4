/**
 * Auto-configuration of TCP keep-alive on the connections of every WebClient conntrace traces.
 */
@NullMarked
package io.conntrace.autoconfigure.keepalive;

import org.jspecify.annotations.NullMarked;
