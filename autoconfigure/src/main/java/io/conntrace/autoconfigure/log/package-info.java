/**
 * Auto-configuration of the opt-in one-line log per request ({@code conntrace.log.*}).
 */
@NullMarked
package io.conntrace.autoconfigure.log;

import org.jspecify.annotations.NullMarked;
