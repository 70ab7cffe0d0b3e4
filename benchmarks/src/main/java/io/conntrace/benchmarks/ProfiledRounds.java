package io.conntrace.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The measured rounds of a flight recording ({@link RoundEvent}) of one variant against a base, for the
 * profile readers: which of the two ran at a sample's time, and how many requests each ran per scenario.
 */
final class ProfiledRounds {

	private final List<RecordedEvent> events;

	private final List<RecordedEvent> rounds;

	final int variant;

	final int base;

	/** Per scenario: requests of the base (slot 0) and of the variant (slot 1). */
	final Map<String, long[]> requests = new LinkedHashMap<>();

	ProfiledRounds(List<RecordedEvent> events, int variant, int base) {
		this.events = events;
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

	/**
	 * Read a recording as a profile reader's arguments name it: {@code recording.jfr [variant, default 2]
	 * [base, default 1]}.
	 */
	static ProfiledRounds read(String[] args, String reader) throws IOException {
		if (args.length < 1) {
			throw new IllegalArgumentException(
					"Usage: " + reader + " recording.jfr [variant, default 2] [base, default 1]");
		}
		int variant = (args.length > 1) ? Integer.parseInt(args[1]) : 2;
		int base = (args.length > 2) ? Integer.parseInt(args[2]) : 1;
		return new ProfiledRounds(RecordingFile.readAllEvents(Path.of(args[0])), variant, base);
	}

	/** Hand each event of a type taken during a round of the base or the variant on, with where it belongs. */
	void forEachSample(String eventType, Sample sample) {
		for (RecordedEvent event : this.events) {
			if (event.getEventType().getName().equals(eventType)) {
				RecordedEvent round = roundAt(event.getStartTime());
				if (round != null) {
					sample.accept(event, round.getString("scenario"), slot(round));
				}
			}
		}
	}

	/** A sample taken in a scenario's round of the base (slot 0) or of the variant (slot 1). */
	@FunctionalInterface
	interface Sample {

		void accept(RecordedEvent event, String scenario, int slot);

	}

	/** The round of the base or the variant running at this time, {@code null} for none. */
	private RecordedEvent roundAt(Instant time) {
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
	private int slot(RecordedEvent round) {
		int number = round.getInt("variant");
		return (number == this.base) ? 0 : (number == this.variant) ? 1 : -1;
	}

	/** Per request of the base (slot 0) or the variant (slot 1) in a scenario. */
	static double perRequest(double[] amounts, long[] requests, int slot) {
		return amounts[slot] / requests[slot];
	}

}
