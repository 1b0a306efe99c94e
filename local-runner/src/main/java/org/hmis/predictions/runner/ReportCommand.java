package org.hmis.predictions.runner;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hmis.predictions.common.config.PipelineConfig;
import org.hmis.predictions.common.model.ModelArtifact;
import org.hmis.predictions.common.s3.ObjectStore;
import org.hmis.predictions.training.ModelFiles;
import org.hmis.predictions.training.report.LightGbmGainImportance;
import org.hmis.predictions.training.report.ModelReport;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a model's HTML report. The held-out figures come from the model's own manifest, which training fills with
 * the confusion matrix, the metrics by group and the calibration curves of the households it held out, so no database
 * is needed; drift and realised outcomes show once runs record them.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write one self-contained HTML report of a model: held-out figures overall, per class, per group and by "
                    + "probability, feature importance, drift and outcomes.",
            "The model comes from --model DIR (model.txt and model.json, as train --out writes them) or, with --s3, "
                    + "from models/<name>/ in S3_BUCKET (S3_BUCKET_ORIGIN)."
        })
final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", description = "Read model.txt and model.json from this directory.")
        Path directory;

        @Option(
                names = "--s3",
                description = "Read models/<name>/ from the bucket of the environment "
                        + "(S3_BUCKET or S3_BUCKET_ORIGIN; S3_ENDPOINT for an S3-compatible server).")
        boolean s3;
    }

    @Option(
            names = "--model-name",
            description = "With --s3: the model's name (default: MODEL_NAME, else " + PipelineConfig.DEFAULT_MODEL_NAME
                    + ").")
    String modelName;

    @Option(names = "--out", required = true, description = "Write " + ModelReport.FILE_NAME + " into this directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter printed = spec.commandLine().getOut();
        ModelArtifact model;
        if (source.directory != null) {
            model = ModelFiles.read(source.directory);
        } else {
            Map<String, String> env = new HashMap<>(System.getenv());
            if (modelName != null) {
                env.put(PipelineConfig.MODEL_NAME, modelName);
            }
            PipelineConfig config = PipelineConfig.from(env);
            try (ObjectStore store = ObjectStore.create(config.storage())) {
                model = ModelFiles.download(store, config.storage().inputBucket(), config.modelName());
            }
        }
        printed.println("Wrote the model report " + write(model, out));
        printed.flush();
        return 0;
    }

    /** The report of {@code model}, as the demo and this command write it; no run has drift or outcomes yet. */
    static Path write(ModelArtifact model, Path directory) throws IOException {
        return new ModelReport(new LightGbmGainImportance()).write(model, Optional.empty(), List.of(), directory);
    }
}
