/**
 * Spring Boot wiring for conntrace: properties under {@code conntrace.*}.
 */
@NullMarked
package io.conntrace.autoconfigure;

import org.jspecify.annotations.NullMarked;
