package org.hmis.predictions.common.run;

/**
 * The user-metadata keys the steps put on the objects they write and read back from the objects they are
 * handed: one list, since writer and reader live in different functions.
 */
public final class ObjectMetadata {
    /** Data rows in a part. */
    public static final String ROWS = "rows";
    /** The run that wrote a part. */
    public static final String RUN_ID = "run-id";
    /** The feature specification a part or a model was built with. */
    public static final String FEATURE_SPEC_VERSION = "feature-spec-version";
    /** The model that made a predictions part, or that a model file belongs to. */
    public static final String MODEL = "model";
    /** The ETag of the model.txt that made a predictions part. */
    public static final String MODEL_ETAG = "model-etag";
    /** The S3 version id of the model.txt that made a predictions part; absent when the bucket is not versioned. */
    public static final String MODEL_VERSION = "model-version";

    /** The wrangled part a predictions part was predicted from (its key, in the same bucket). */
    public static final String SOURCE_PART = "source-part";
    /** The ETag of that wrangled part as predict read it: a part rewritten since has another. */
    public static final String SOURCE_ETAG = "source-etag";
    /** The data rows of that wrangled part, as its own metadata gave them. */
    public static final String SOURCE_ROWS = "source-rows";

    /** The version of a predictions part's columns ({@code PredictionsCsv.FORMATS}). */
    public static final String PREDICTIONS_FORMAT = "predictions-format";

    private ObjectMetadata() {}
}
