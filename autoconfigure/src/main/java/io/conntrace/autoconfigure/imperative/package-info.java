/**
 * Auto-configuration of conntrace for the imperative clients Boot builds on Reactor Netty: RestClient,
 * RestTemplate and HTTP service clients.
 */
@NullMarked
package io.conntrace.autoconfigure.imperative;

import org.jspecify.annotations.NullMarked;
