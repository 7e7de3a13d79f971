// The data types every data module shares (no imports: the bottom of the data room).

/** Features as a row-major float matrix plus integer class labels. */
export interface Split {
  x: Float32Array; // [n, features]
  y: Int32Array; // [n]
  n: number;
  features: number;
}

/** The data of one run: train, test and optional extra evaluation sets. */
export interface Dataset {
  train: Split;
  test: Split;
  /** Extra evaluation sets by name (e.g. `shifted`). */
  extra: Record<string, Split>;
  classes: number;
  /**
   * Drift during training (`data.drift`): the training set at each phase, phase 0 = `train`. Training
   * uses phase floor(P * step / totalSteps), chosen at each epoch start; evaluation uses `train`.
   */
  trainPhases?: Split[];
}
