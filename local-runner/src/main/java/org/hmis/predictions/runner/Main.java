package org.hmis.predictions.runner;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The local runner: how a new user meets the pipeline, and how operators run or backfill it outside Lambda. Exit
 * codes: 0 when the run completed, 1 when it failed, 2 for a usage error; either error is one line on stderr naming
 * the cause (and, where the runner knows it, what to do), with the stack trace only under {@code --verbose}.
 */
@Command(
        name = "local-runner",
        mixinStandardHelpOptions = true,
        version = "exit-destination-refresh 1.0",
        description = "Runs the exit-destination refresh pipeline outside AWS Lambda.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the run completed", "1:it failed (one line on stderr says why)", "2:a usage error"},
        subcommands = {
            DemoCommand.class,
            SetupCommand.class,
            RunCommand.class,
            StatusCommand.class,
            FailRunCommand.class,
            GenerateCommand.class,
            ImportHmisCommand.class,
            TrainCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            ReplayCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    /** The option that adds a failure's stack trace; on the runner and every command. */
    static final String VERBOSE = "--verbose";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = VERBOSE,
            scope = ScopeType.INHERIT,
            description = "Print a failure's stack trace after its one line.")
    boolean verbose;

    public static void main(String[] args) {
        // The functions log JSON for CloudWatch (lambda-handler's log4j2-lambda.properties); on a terminal a person
        // reads the output, so quieter plain lines. Set before the first logger, so Log4j 2 reads this one.
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-local.xml");
        }
        System.exit(execute(System.getenv(), System.out, System.err, args));
    }

    /** Runs {@code args} as the runner's command line does, reading {@code environment} and writing the streams. */
    static int execute(Map<String, String> environment, PrintStream out, PrintStream err, String... args) {
        return commandLine(environment, out, err).execute(args);
    }

    /**
     * The runner's command line: each command made with {@code environment} and the streams where it takes them, a
     * failure reported by {@link #failed} and a usage error by {@link #misused}.
     */
    static CommandLine commandLine(Map<String, String> environment, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new Main(), new Commands(environment, out, err));
        line.setOut(writer(out));
        line.setErr(writer(err));
        line.setExecutionExceptionHandler(
                (e, command, parsed) -> failed(command.getCommandName(), e, command.getErr(), verbose(command)));
        line.setParameterExceptionHandler(Main::misused);
        return line;
    }

    /** Prints {@code label failed: <the failure's line>} (and the stack trace if {@code verbose}); returns 1. */
    static int failed(String label, Throwable e, PrintWriter err, boolean verbose) {
        err.println(label + " failed: " + FailureLine.of(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** Whether {@code --verbose} was given, on {@code command} or a command above it. */
    static boolean verbose(CommandLine command) {
        for (CommandLine c = command; c != null; c = c.getParent()) {
            ParseResult parsed = c.getParseResult();
            if (parsed != null && parsed.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** A usage error on one line, with picocli's suggestions and where the options are listed; returns 2. */
    private static int misused(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        StringBuilder line =
                new StringBuilder(command.getCommandName()).append(": ").append(FailureLine.causes(e));
        List<String> suggestions =
                e instanceof UnmatchedArgumentException unmatched ? unmatched.getSuggestions() : List.of();
        if (!suggestions.isEmpty()) {
            line.append(" (did you mean ")
                    .append(String.join(" or ", suggestions))
                    .append("?)");
        }
        line.append("; `")
                .append(command.getCommandSpec().qualifiedName())
                .append(" --help` lists the ")
                .append(command.getParent() == null ? "commands" : "options");
        PrintWriter err = command.getErr();
        err.println(line);
        if (verbose(command)) {
            e.printStackTrace(err);
        }
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A usage error found after parsing (options that do not go together, a value out of range): exit 2. */
    static ParameterException usage(CommandLine.Model.CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A writer on {@code stream} in the platform's charset, as System.out and System.err write (Java 17). */
    static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), true);
    }

    /** Makes each command with the environment and streams where it has a constructor that takes them. */
    private record Commands(Map<String, String> environment, PrintStream out, PrintStream err)
            implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(Map.class, PrintStream.class, PrintStream.class)
                        .newInstance(environment, out, err);
            } catch (NoSuchMethodException noSuchConstructor) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
