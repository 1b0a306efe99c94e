package org.hmis.predictions.lambda;

import java.time.Duration;

/**
 * How long an invocation may still work: Lambda's remaining time less a margin kept to roll back, record the outcome
 * and answer, so a step that runs out of time stops itself, cleanly, before Lambda kills it. Every database
 * statement gets the time left as its {@code statement_timeout} and {@code lock_timeout}, so the server stops the
 * work too. A local run has no deadline ({@link #NONE}): statements then run unbounded and wait at most
 * {@link #UNBOUNDED_LOCK_WAIT} for a lock.
 */
public final class Deadline {
    /** Kept back from Lambda's remaining time; a fifth of the remaining time when that is less. */
    public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(10);
    /** How long a run without a deadline waits for a lock: a wait longer than that helps nobody. */
    public static final Duration UNBOUNDED_LOCK_WAIT = Duration.ofMinutes(5);

    public static final Deadline NONE = new Deadline(Long.MAX_VALUE, 0);

    private final long deadlineNanos;
    private final long marginMillis;

    private Deadline(long deadlineNanos, long marginMillis) {
        this.deadlineNanos = deadlineNanos;
        this.marginMillis = marginMillis;
    }

    /** {@code remaining} from now, of which {@code margin} is kept back. */
    public static Deadline after(Duration remaining, Duration margin) {
        if (remaining.isNegative() || margin.isNegative()) {
            throw new IllegalArgumentException("remaining time and margin cannot be negative");
        }
        return new Deadline(System.nanoTime() + remaining.toNanos(), margin.toMillis());
    }

    /** Lambda's remaining time ({@code Context.getRemainingTimeInMillis()}), with the default margin. */
    public static Deadline ofRemainingMillis(long remainingMillis) {
        Duration remaining = Duration.ofMillis(Math.max(0, remainingMillis));
        Duration margin =
                remaining.dividedBy(5).compareTo(DEFAULT_MARGIN) < 0 ? remaining.dividedBy(5) : DEFAULT_MARGIN;
        return after(remaining, margin);
    }

    public boolean bounded() {
        return deadlineNanos != Long.MAX_VALUE;
    }

    /** Milliseconds left to work (the margin already taken off); may be zero or less. */
    public long millisLeft() {
        if (!bounded()) {
            return Long.MAX_VALUE;
        }
        return (deadlineNanos - System.nanoTime()) / 1_000_000 - marginMillis;
    }

    /** Fails with {@link OutOfTimeException} when no time is left for {@code doing}. */
    public void check(String doing) {
        long left = millisLeft();
        if (left <= 0) {
            throw new OutOfTimeException(doing + ": out of time, with " + (left + marginMillis)
                    + " ms of the invocation left and " + marginMillis + " ms kept to record the outcome");
        }
    }

    /** The {@code statement_timeout} for a statement started now, in milliseconds; 0 (none) without a deadline. */
    public long statementTimeoutMillis() {
        return bounded() ? Math.max(1, millisLeft()) : 0;
    }

    /** The {@code lock_timeout} for a statement started now, in milliseconds. */
    public long lockTimeoutMillis() {
        return bounded() ? Math.max(1, millisLeft()) : UNBOUNDED_LOCK_WAIT.toMillis();
    }

    @Override
    public String toString() {
        return bounded() ? "Deadline[" + millisLeft() + " ms left, margin " + marginMillis + " ms]" : "Deadline[none]";
    }
}
