package org.hmis.predictions.common.model;

/** Run in a child JVM by {@link LightGbmLibraryTest}: prints what loading LightGBM did. */
final class NativeLoadProbe {

  private NativeLoadProbe() {
  }

  public static void main(String[] args) {
    try {
      LightGbmLibrary.ensureLoaded();
      System.out.println("loaded");
    } catch (IllegalStateException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }
}
