package org.hmis.predictions.runner;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The local runner: how a new user meets the pipeline, and how operators run or backfill it outside Lambda. */
@Command(
        name = "local-runner",
        mixinStandardHelpOptions = true,
        version = "exit-destination-refresh 1.0",
        description = "Runs the exit-destination refresh pipeline outside AWS Lambda.",
        subcommands = {
            DemoCommand.class,
            SetupCommand.class,
            RunCommand.class,
            StatusCommand.class,
            FailRunCommand.class,
            GenerateCommand.class,
            TrainCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            ReplayCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // The functions log JSON for CloudWatch; on a terminal a person reads the output, so quieter plain logs.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-local.xml");
        }
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.apache.logging.slf4j.SLF4JServiceProvider");
        }
        System.exit(new CommandLine(new Main())
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    command.getErr().println(command.getCommandName() + " failed: " + causes(e));
                    return 1;
                })
                .execute(args));
    }

    /**
     * A failure and its causes' messages, each once, on one line: what a person needs to see of, e.g., a connection
     * the database refused (its host, port, name and the driver's reason) without a stack trace.
     */
    static String causes(Throwable e) {
        StringBuilder text = new StringBuilder(
                e.getMessage() != null ? e.getMessage() : e.getClass().getName());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !text.toString().contains(message.strip())) {
                text.append(": ").append(message.strip());
            }
        }
        return text.toString().replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
