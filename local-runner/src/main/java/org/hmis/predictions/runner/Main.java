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
            GenerateCommand.class,
            TrainCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // The functions log JSON for CloudWatch (lambda-handler's log4j2-lambda.properties); on a terminal a person
        // reads the output, so quieter plain lines. Set before the first logger, so Log4j 2 reads this one.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-local.xml");
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
