package io.conntrace.pool;

/**
 * Something that happened to a server's pool, kept among its recent events.
 * @param timestamp when, in epoch millis
 * @param type what happened, for example {@code stale-evicted} or {@code acquire-timeout}
 * @param detail the facts, never a URL query, user-info or header value
 */
public record PoolEvent(long timestamp, String type, String detail) {
}
