/** Serializable multinomial naive Bayes model over binarized (presence) features. */
export interface NaiveBayesModel<L extends string> {
  labels: L[];
  /** ln P(label). */
  logPriors: Record<L, number>;
  /** ln P(feature | label) for every feature in the vocabulary. */
  logLikelihoods: Record<L, Record<string, number>>;
  /** ln P(unseen-in-label feature | label) (Laplace smoothing of a zero count). */
  logUnseen: Record<L, number>;
  vocabulary: string[];
}

export interface TrainingExample<L extends string> {
  label: L;
  features: string[];
}

export interface Prediction<L extends string> {
  label: L;
  /** Posterior of `label`, tempered (see `predict`). */
  confidence: number;
  /** Number of distinct input features that the model knows. */
  knownFeatures: number;
  scores: Record<L, number>;
}

/** Deterministic training: same examples in the same order give the same model. */
export function trainNaiveBayes<L extends string>(
  labels: readonly L[],
  examples: readonly TrainingExample<L>[],
  alpha = 0.5,
): NaiveBayesModel<L> {
  const vocabulary = [...new Set(examples.flatMap((e) => e.features))].sort();
  const logPriors = {} as Record<L, number>;
  const logLikelihoods = {} as Record<L, Record<string, number>>;
  const logUnseen = {} as Record<L, number>;
  for (const label of labels) {
    const docs = examples.filter((e) => e.label === label);
    const counts = new Map<string, number>();
    for (const doc of docs) for (const f of new Set(doc.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const denominator = Math.log(total + alpha * vocabulary.length);
    logPriors[label] = Math.log((docs.length + 1) / (examples.length + labels.length));
    logUnseen[label] = Math.log(alpha) - denominator;
    const table: Record<string, number> = {};
    for (const [feature, count] of counts) table[feature] = Math.log(count + alpha) - denominator;
    logLikelihoods[label] = table;
  }
  return { labels: [...labels], logPriors, logLikelihoods, logUnseen, vocabulary };
}

/**
 * Most probable label. Naive Bayes multiplies many correlated feature probabilities, which makes raw
 * posteriors absurdly sharp; the log scores are divided by sqrt(#known features) before the softmax so
 * that `confidence` is usable as a ranking signal (it is not a calibrated probability).
 */
export function predict<L extends string>(
  model: NaiveBayesModel<L>,
  features: readonly string[],
): Prediction<L> {
  const vocabulary = new Set(model.vocabulary);
  const known = [...new Set(features)].filter((f) => vocabulary.has(f));
  const scores = {} as Record<L, number>;
  for (const label of model.labels) {
    const table = model.logLikelihoods[label];
    let score = model.logPriors[label];
    for (const f of known) score += table[f] ?? model.logUnseen[label];
    scores[label] = score;
  }
  const temperature = Math.max(1, Math.sqrt(known.length));
  const best = model.labels.reduce((a, b) => (scores[b] > scores[a] ? b : a));
  const normaliser = model.labels.reduce(
    (sum, l) => sum + Math.exp((scores[l] - scores[best]) / temperature),
    0,
  );
  return { label: best, confidence: 1 / normaliser, knownFeatures: known.length, scores };
}
