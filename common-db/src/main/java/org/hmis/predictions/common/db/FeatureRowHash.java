package org.hmis.predictions.common.db;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash of an encoded feature row that {@code guest_predictions.feature_hash} records with each prediction: the
 * first 8 bytes of SHA-256 over the row's values as IEEE 754 bits, big-endian. The wrangle hashes each row it encodes
 * and the update the same row as it reads it back from the wrangled part; a wrangled part gives back exactly the
 * doubles written, and negative zero and every NaN (a missing value) are hashed as zero and the one NaN, so both
 * agree. Not thread-safe: one per stream of rows.
 */
public final class FeatureRowHash {
    private final MessageDigest sha256;
    private byte[] bytes = new byte[0];

    public FeatureRowHash() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The hash of {@code features}, as the bigint column holds it. */
    public long of(double[] features) {
        if (bytes.length != features.length * Long.BYTES) {
            bytes = new byte[features.length * Long.BYTES];
        }
        for (int f = 0; f < features.length; f++) {
            // Adding 0.0 turns negative zero into zero; doubleToLongBits gives every NaN one pattern.
            long bits = Double.doubleToLongBits(features[f] + 0.0);
            for (int b = 0; b < Long.BYTES; b++) {
                bytes[f * Long.BYTES + b] = (byte) (bits >>> (56 - 8 * b));
            }
        }
        byte[] digest = sha256.digest(bytes);
        long hash = 0;
        for (int b = 0; b < Long.BYTES; b++) {
            hash = (hash << 8) | (digest[b] & 0xFF);
        }
        return hash;
    }
}
