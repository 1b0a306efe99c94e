package org.hmis.predictions.localservices;

/** Starts embedded PostgreSQL, says where it is, and waits to be killed: see {@link LocalPostgresWatchdogTest}. */
public final class LocalPostgresInAnotherJvm {
    static final String READY = "ready in ";

    private LocalPostgresInAnotherJvm() {}

    public static void main(String[] args) throws InterruptedException {
        LocalPostgres postgres = LocalPostgres.start();
        System.out.println(READY + postgres.directory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
