/**
 * Not API: what conntrace's own API packages share with each other and nothing else may use. Its types change
 * without notice; the Boot module is held to the API packages by an architecture test.
 */
@NullMarked
package io.conntrace.internal;

import org.jspecify.annotations.NullMarked;
