/**
 * Ahead-of-time processing and native images: the runtime hints for the reflection conntrace's core does.
 */
@NullMarked
package io.conntrace.autoconfigure.aot;

import org.jspecify.annotations.NullMarked;
