/** Scores feature vectors (one per guild) in one batch: the raid model, or a stand-in in tests. */
export interface Scorer {
  /** The feature spec version the scorer was built for. */
  readonly featureVersion: number;
  score(vectors: readonly (readonly number[])[]): Promise<number[]>;
  /** The same scores one vector at a time, synchronously, where the scorer can (replays, training). */
  scoreOne?(vector: readonly number[]): number;
}
