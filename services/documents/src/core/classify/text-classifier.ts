import { loadCorpus, type CorpusExample } from './corpus';
import { SHEET_LABELS, type PageClassification, type SheetLabel } from './labels';
import { predict, trainNaiveBayes, type NaiveBayesModel } from './naive-bayes';
import { sheetFeatures } from './tokenizer';

export interface TextPrediction extends PageClassification {
  method: 'text';
  /** Distinct features of the text the model has seen in training (0 = nothing to go on). */
  knownFeatures: number;
}

/** Sheet-type classifier over OCR text: binarized multinomial naive Bayes on word/bigram features. */
export class TextClassifier {
  private constructor(private readonly model: NaiveBayesModel<SheetLabel>) {}

  /** Trains on the given examples (deterministic: same examples, same model). */
  static train(examples: readonly CorpusExample[]): TextClassifier {
    const training = examples.map((e) => ({ label: e.label, features: sheetFeatures(e.text) }));
    return new TextClassifier(trainNaiveBayes(SHEET_LABELS, training));
  }

  /** Trained on the whole shipped corpus (a few ms); cached per process. */
  static default(): TextClassifier {
    defaultClassifier ??= TextClassifier.train(loadCorpus());
    return defaultClassifier;
  }

  classify(text: string): TextPrediction {
    const prediction = predict(this.model, sheetFeatures(text));
    return {
      label: prediction.label,
      confidence: Math.round(prediction.confidence * 1000) / 1000,
      method: 'text',
      knownFeatures: prediction.knownFeatures,
    };
  }

  /** The trained model, e.g. to serialise it. */
  toJSON(): NaiveBayesModel<SheetLabel> {
    return this.model;
  }
}

let defaultClassifier: TextClassifier | undefined;
