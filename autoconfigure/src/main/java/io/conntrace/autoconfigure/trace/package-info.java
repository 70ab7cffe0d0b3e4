/**
 * Auto-configuration that puts conntrace's connection facts on every WebClient request's span.
 */
@NullMarked
package io.conntrace.autoconfigure.trace;

import org.jspecify.annotations.NullMarked;
