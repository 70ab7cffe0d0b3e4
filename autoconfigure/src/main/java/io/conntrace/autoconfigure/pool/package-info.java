/**
 * Auto-configuration of the connection pool behind every WebClient conntrace traces.
 */
@NullMarked
package io.conntrace.autoconfigure.pool;

import org.jspecify.annotations.NullMarked;
