/**
 * Meters for conntrace's facts and for the connection pool, on any Micrometer {@code MeterRegistry}.
 * Free of Spring.
 */
@NullMarked
package io.conntrace.metrics;

import org.jspecify.annotations.NullMarked;
