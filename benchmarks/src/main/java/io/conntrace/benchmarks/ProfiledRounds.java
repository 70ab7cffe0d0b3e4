package io.conntrace.benchmarks;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;

/**
 * The measured rounds of a flight recording ({@link RoundEvent}) of one variant against a base, for the
 * profile readers: which of the two ran at a sample's time, and how many requests each ran per scenario.
 */
final class ProfiledRounds {

	private final List<RecordedEvent> rounds;

	private final int variant;

	private final int base;

	/** Per scenario: requests of the base (slot 0) and of the variant (slot 1). */
	final Map<String, long[]> requests = new LinkedHashMap<>();

	ProfiledRounds(List<RecordedEvent> events, int variant, int base) {
		this.rounds = events.stream()
			.filter((event) -> event.getEventType().getName().equals("io.conntrace.benchmarks.Round"))
			.filter((event) -> !event.getBoolean("warmUp"))
			.sorted(Comparator.comparing(RecordedEvent::getStartTime))
			.toList();
		this.variant = variant;
		this.base = base;
		for (RecordedEvent round : this.rounds) {
			int slot = slot(round);
			if (slot >= 0) {
				this.requests.computeIfAbsent(round.getString("scenario"), (key) -> new long[2])[slot] += round
					.getInt("requests");
			}
		}
	}

	/** The round of the base or the variant running at this time, {@code null} for none. */
	RecordedEvent roundAt(Instant time) {
		int low = 0;
		int high = this.rounds.size() - 1;
		while (low <= high) {
			int middle = (low + high) >>> 1;
			RecordedEvent round = this.rounds.get(middle);
			if (time.isBefore(round.getStartTime())) {
				high = middle - 1;
			}
			else if (time.isAfter(round.getEndTime())) {
				low = middle + 1;
			}
			else {
				return (slot(round) >= 0) ? round : null;
			}
		}
		return null;
	}

	/** 0 for the base, 1 for the variant, -1 for any other round. */
	int slot(RecordedEvent round) {
		int number = round.getInt("variant");
		return (number == this.base) ? 0 : (number == this.variant) ? 1 : -1;
	}

	/** Per request of the base (slot 0) or the variant (slot 1) in a scenario. */
	static double perRequest(double[] amounts, long[] requests, int slot) {
		return amounts[slot] / requests[slot];
	}

}
