package org.hmis.predictions.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** A reproducible stream of pseudo-random bytes of a given length, made as it is read (never held whole). */
final class GeneratedBytes extends InputStream {
    private final SplittableRandom random;
    private long remaining;
    private long word;
    private int bytesLeftInWord;

    GeneratedBytes(long seed, long length) {
        this.random = new SplittableRandom(seed);
        this.remaining = length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (remaining == 0) {
            return -1;
        }
        int count = (int) Math.min(length, remaining);
        for (int i = 0; i < count; i++) {
            if (bytesLeftInWord == 0) {
                word = random.nextLong();
                bytesLeftInWord = Long.BYTES;
            }
            buffer[offset + i] = (byte) word;
            word >>>= 8;
            bytesLeftInWord--;
        }
        remaining -= count;
        return count;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of everything left in {@code in}, read in small buffers. */
    static byte[] digestOf(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }
}
