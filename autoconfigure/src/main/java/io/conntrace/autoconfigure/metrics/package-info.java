/**
 * Auto-configuration of meters for connections and the connection pool.
 */
@NullMarked
package io.conntrace.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
