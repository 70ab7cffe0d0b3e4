package io.conntrace.sample;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * What one run of a scenario did, as its endpoint answers it.
 *
 * @param scenario the scenario's name
 * @param traceId the run's trace in Zipkin: the scenario endpoint's server span and, under it, one
 * client span per request
 * @param requests one line per request, failures included
 * @param connectionsAccepted connections the target server accepted during the run: how many of the
 * run's client spans should say {@code conntrace.connection.reused=false}
 * @param lookFor what to look for on the client spans
 * @param pool the target's pool as {@code /actuator/conntrace} showed it during the run, where the
 * scenario looked
 */
record ScenarioReport(String scenario, String traceId, List<String> requests, int connectionsAccepted,
		String lookFor, @Nullable Object pool) {

}
