package io.conntrace.testsupport;

import java.util.List;
import java.util.Map;

/**
 * One span as Zipkin's v2 API returns it, with what the assertions need.
 */
public final class ZipkinSpan {

	private final long timestamp;

	private final Map<String, String> tags;

	private final List<String> annotations;

	@SuppressWarnings("unchecked")
	ZipkinSpan(Map<String, Object> json) {
		this.timestamp = ((Number) json.get("timestamp")).longValue();
		this.tags = (Map<String, String>) json.getOrDefault("tags", Map.of());
		List<Map<String, Object>> annotations = (List<Map<String, Object>>) json.getOrDefault("annotations", List.of());
		this.annotations = annotations.stream().map((annotation) -> (String) annotation.get("value")).toList();
	}

	/** When the span started, microseconds since the epoch. */
	public long timestamp() {
		return this.timestamp;
	}

	/** The span's tags. */
	public Map<String, String> tags() {
		return this.tags;
	}

	/** One tag, {@code null} if the span does not have it. */
	public String tag(String key) {
		return this.tags.get(key);
	}

	/** A duration tag in milliseconds; fails if the tag is missing. */
	public double millis(String key) {
		String value = this.tags.get(key);
		if (value == null) {
			throw new AssertionError("No tag " + key + " on span with tags " + this.tags);
		}
		return Double.parseDouble(value);
	}

	/** Whether the request ran on a reused connection, as conntrace says. */
	public boolean reused() {
		return Boolean.parseBoolean(this.tags.get("conntrace.connection.reused"));
	}

	/** The id of the connection the request ran on, as conntrace says. */
	public String connectionId() {
		return this.tags.get("conntrace.connection.id");
	}

	/** The values of the span's annotations (conntrace's events). */
	public List<String> annotations() {
		return this.annotations;
	}

	@Override
	public String toString() {
		return this.tags.toString();
	}

}
