package org.hmis.predictions.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most heap a piece of work used, from the garbage collector's own reports: heap use only grows between
 * collections, so its peaks are the use just before each collection (and at the end). Also the most heap still
 * in use after a collection: the work's live data. Sampling would miss the peaks; pool peak counters of
 * different pools are not reached at the same moment.
 */
public final class HeapPeak implements AutoCloseable {
    private static final double MB = 1024 * 1024;

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::collected;
    private long peakUsed;
    private long peakLive;

    /**
     * Collects first, so garbage left by earlier work is not counted, then starts watching; the peak so far is the
     * heap in use now.
     */
    public static HeapPeak start() {
        System.gc();
        return new HeapPeak();
    }

    private HeapPeak() {
        peakUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    /** What was watched: the most heap in use, and the most still in use after a collection (live data), in MB. */
    public record Figures(double peakUsedMb, double peakLiveMb) {
        /** The larger of two watches' figures. */
        public Figures max(Figures other) {
            return new Figures(Math.max(peakUsedMb, other.peakUsedMb), Math.max(peakLiveMb, other.peakLiveMb));
        }
    }

    /** The figures so far. */
    public Figures figures() {
        return new Figures(peakUsedMb(), peakLiveMb());
    }

    /** The most heap in use at any moment since this started, in MB. */
    public double peakUsedMb() {
        return peakUsedBytes() / MB;
    }

    /** The most heap still in use after a collection since this started, in MB: the work's live data. */
    public double peakLiveMb() {
        return peakLiveBytes() / MB;
    }

    /** The JVM's heap limit in MB, so a reader sees what a peak was measured under. */
    public static double maxHeapMb() {
        return Runtime.getRuntime().maxMemory() / MB;
    }

    private synchronized long peakUsedBytes() {
        return Math.max(
                peakUsed,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    private synchronized long peakLiveBytes() {
        return peakLive;
    }

    private synchronized void collected(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        peakUsed = Math.max(peakUsed, heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()));
        peakLive = Math.max(peakLive, heapUsed(info.getGcInfo().getMemoryUsageAfterGc()));
    }

    private long heapUsed(Map<String, MemoryUsage> byPool) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : byPool.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                throw new IllegalStateException("the heap listener was not registered", e);
            }
        }
    }
}
