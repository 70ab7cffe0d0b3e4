package io.conntrace.autoconfigure.pool;

import java.util.HashSet;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What {@code /actuator/conntrace} and the full-pool WARN show of the requests holding connections, by Boot's
 * convention for endpoints that show request data ({@code management.endpoint.env.show-values}). Hosts, ports,
 * limits, counts and methods are always shown; request paths carry ids, e-mail addresses and tokens in real
 * APIs, so they are shown only where the application says so.
 */
@ConfigurationProperties("management.endpoint.conntrace")
public class ConntraceEndpointProperties {

	/**
	 * When to show the paths of the requests holding connections: never, when-authorized (to an authorized
	 * user of the endpoint, with one of the roles if any are set; never in the full-pool WARN) or always.
	 * Hidden paths read ******.
	 */
	private ShowValues showValues = ShowValues.NEVER;

	/**
	 * Roles a user needs to see request paths when show-values is when-authorized. When empty, any
	 * authenticated user sees them.
	 */
	private Set<String> roles = new HashSet<>();

	public ShowValues getShowValues() {
		return this.showValues;
	}

	public void setShowValues(ShowValues showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

	/** Boot's {@code Show}, restated: it lives in the actuator, and the full-pool WARN does not need one. */
	public enum ShowValues {

		/** Never show request paths. */
		NEVER,

		/** Show request paths to authorized users of the endpoint; never in the log. */
		WHEN_AUTHORIZED,

		/** Always show request paths. */
		ALWAYS

	}

}
