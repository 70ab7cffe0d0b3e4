/**
 * The servers, proxies, DNS server, span readers and application contexts conntrace's tests measure against,
 * shared by every module's tests. Free of conntrace's own modules, so that the core's tests can take it as the
 * auto-configuration's do: what conntrace provides (its observation filter, its attribute names) a test passes in.
 */
package io.conntrace.testsupport;
