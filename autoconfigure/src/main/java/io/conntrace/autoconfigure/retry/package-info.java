/**
 * Auto-configuration that sends again, once, a request that failed on a stale keep-alive connection.
 */
@NullMarked
package io.conntrace.autoconfigure.retry;

import org.jspecify.annotations.NullMarked;
