package org.hmis.predictions.trees;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Threads that share the rows of a {@link TreeEnsemble} call: the calling thread and {@code workers - 1} daemon
 * threads take slices of rows in turn until none is left, so a thread slowed by other work on the machine takes
 * fewer. Create one per process (a Lambda container, say) and keep it; several calls at once are fine, each one
 * simply shares the threads. {@link #close()} stops the threads.
 */
public final class WorkerPool implements AutoCloseable {

    /** One thread: the caller's. */
    static final WorkerPool CALLER_ONLY = new WorkerPool(1, null);

    private final int workers;
    private final ExecutorService helpers;

    private WorkerPool(int workers, ExecutorService helpers) {
        this.workers = workers;
        this.helpers = helpers;
    }

    /** A pool of {@code workers} threads in all, the caller's included; 1 means the caller alone. */
    public static WorkerPool create(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers should be at least 1, found " + workers);
        }
        if (workers == 1) {
            return CALLER_ONLY;
        }
        AtomicInteger created = new AtomicInteger();
        ThreadFactory daemons = task -> {
            Thread thread = new Thread(task, "tree-ensemble-worker-" + created.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new WorkerPool(workers, Executors.newFixedThreadPool(workers - 1, daemons));
    }

    public int workers() {
        return workers;
    }

    /** Work on a slice of rows, with scratch of its thread's own. */
    interface RowTask<S> {
        void run(S scratch, int firstRow, int rows);
    }

    /**
     * Runs {@code task} over rows {@code [0, rows)} in slices of {@code sliceRows}; each thread makes its scratch once
     * per call. A slice should be enough work to amortise taking it, and small enough to even out uneven threads.
     */
    <S> void forEachSlice(int rows, int sliceRows, Supplier<S> scratch, RowTask<S> task) {
        int slices = (rows + sliceRows - 1) / sliceRows;
        int threads = Math.min(workers, slices);
        if (threads <= 1) {
            if (rows > 0) {
                task.run(scratch.get(), 0, rows);
            }
            return;
        }
        AtomicInteger nextSlice = new AtomicInteger();
        Runnable share = () -> {
            S own = scratch.get();
            for (int slice = nextSlice.getAndIncrement(); slice < slices; slice = nextSlice.getAndIncrement()) {
                int first = slice * sliceRows;
                task.run(own, first, Math.min(sliceRows, rows - first));
            }
        };
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < threads; i++) {
            others.add(helpers.submit(share));
        }
        RuntimeException failure = null;
        try {
            share.run();
        } catch (RuntimeException e) {
            failure = e;
            nextSlice.set(slices);
        }
        for (Future<?> other : others) {
            failure = await(other, failure);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException await(Future<?> other, RuntimeException failure) {
        try {
            other.get();
            return failure;
        } catch (ExecutionException e) {
            RuntimeException thrown = e.getCause() instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("a worker failed", e.getCause());
            if (failure == null) {
                return thrown;
            }
            failure.addSuppressed(thrown);
            return failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other workers", e);
        }
    }

    /** Stops the threads; calls already running finish first. Closing twice, or the one-thread pool, is harmless. */
    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }
}
