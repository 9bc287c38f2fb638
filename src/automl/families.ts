// The model families AutoML searches, each with its hyperparameters (a search space in the
// tuning module's terms, conditional on the family), a cheap starting point (FLAML's low-cost
// initial configuration: few rounds, shallow trees, strong regularisation), what it accepts
// (sparse TF-IDF input, negative values) and a rough relative cost used until it has been timed.
import { int, logUniform, choice, type Dist } from "../tune/space";
import { LogisticRegression } from "../models/logistic";
import { MultinomialNB } from "../models/naiveBayes";
import { DecisionTreeClassifier } from "../models/tree";
import { DecisionTreeRegressor } from "../models/treeRegressor";
import { HistGradientBoostingClassifier } from "../models/histGradientBoosting";
import { HistGradientBoostingRegressor } from "../models/histGradientBoostingRegressor";
import { Ridge, Lasso } from "../models/linear";
import { MLPClassifier } from "../neural/mlp";
import { KNeighborsClassifier, KNeighborsRegressor } from "../models/neighbors";

const knnSpace = { nNeighbors: int(1, 50, { log: true }), weights: choice(["uniform", "distance"]), p: choice([1, 2]) };
const knnStart = { nNeighbors: 5, weights: "uniform", p: 2 };

export type Task = "classification" | "regression";

export interface Family {
  name: string;
  title: string;
  task: Task;
  /** Takes a CSR matrix (TF-IDF). */
  sparse: boolean;
  /** Needs non-negative features (counts, TF-IDF): numeric columns are then neither centred nor allowed below 0. */
  nonNegative: boolean;
  /** Standardised numeric columns. */
  scale: boolean;
  /** Relative cost before it is timed (naive Bayes = 1). */
  cost: number;
  /** Hyperparameters, named `<family>.<param>` in the study. */
  space: Record<string, Dist>;
  /** The low-cost start: tried first, before any sampled configuration. */
  start: Record<string, unknown>;
  /**
   * The start on TF-IDF features, when it differs: their values are small (rows of unit length), so
   * naive Bayes wants far less smoothing and logistic regression far less regularisation than on
   * counts or standardised columns (03-models' settings).
   */
  textStart?: Record<string, unknown>;
  make(params: Record<string, any>, seed: number): any;
}

const classification: Family[] = [
  {
    name: "nb", title: "multinomial naive Bayes", task: "classification", sparse: true, nonNegative: true, scale: false, cost: 1,
    space: { alpha: logUniform(1e-3, 10) }, start: { alpha: 1 }, textStart: { alpha: 0.1 },
    make: (p) => new MultinomialNB({ alpha: p.alpha }),
  },
  {
    name: "lr", title: "logistic regression", task: "classification", sparse: true, nonNegative: false, scale: true, cost: 4,
    space: { C: logUniform(1e-3, 1e3) }, start: { C: 1 }, textStart: { C: 10 },
    make: (p) => new LogisticRegression({ C: p.C, maxIter: 200 }),
  },
  {
    name: "knn", title: "k-nearest neighbours", task: "classification", sparse: false, nonNegative: false, scale: true, cost: 3,
    space: knnSpace, start: knnStart,
    make: (p) => new KNeighborsClassifier({ nNeighbors: p.nNeighbors, weights: p.weights, p: p.p }),
  },
  {
    name: "tree", title: "decision tree", task: "classification", sparse: false, nonNegative: false, scale: false, cost: 3,
    space: { maxDepth: int(2, 24), minSamplesLeaf: int(1, 32, { log: true }) }, start: { maxDepth: 6, minSamplesLeaf: 4 },
    make: (p, seed) => new DecisionTreeClassifier({ maxDepth: p.maxDepth, minSamplesLeaf: p.minSamplesLeaf, randomState: seed }),
  },
  {
    name: "gbdt", title: "gradient-boosted trees", task: "classification", sparse: true, nonNegative: false, scale: false, cost: 12,
    space: { maxIter: int(10, 400, { log: true }), learningRate: logUniform(0.01, 0.5), maxLeafNodes: int(4, 64, { log: true }), l2Regularization: logUniform(1e-4, 10), minSamplesLeaf: int(2, 64, { log: true }) },
    start: { maxIter: 20, learningRate: 0.1, maxLeafNodes: 8, l2Regularization: 1, minSamplesLeaf: 20 },
    make: (p, seed) => new HistGradientBoostingClassifier({ maxIter: p.maxIter, learningRate: p.learningRate, maxLeafNodes: p.maxLeafNodes, l2Regularization: p.l2Regularization, minSamplesLeaf: p.minSamplesLeaf, earlyStopping: false, randomState: seed } as any),
  },
  {
    name: "mlp", title: "neural network (MLP)", task: "classification", sparse: true, nonNegative: false, scale: true, cost: 40,
    space: { hidden: choice([32, 64, 128]), learningRate: logUniform(1e-4, 3e-2), epochs: int(5, 60, { log: true }), alpha: logUniform(1e-6, 1e-2) },
    start: { hidden: 32, learningRate: 3e-3, epochs: 10, alpha: 1e-4 },
    make: (p, seed) => new MLPClassifier({ hiddenLayers: [p.hidden], learningRate: p.learningRate, epochs: p.epochs, alpha: p.alpha, batchSize: 64, seed }),
  },
];

const regression: Family[] = [
  {
    name: "ridge", title: "ridge regression", task: "regression", sparse: false, nonNegative: false, scale: true, cost: 1,
    space: { alpha: logUniform(1e-4, 1e3) }, start: { alpha: 1 },
    make: (p) => new Ridge({ alpha: p.alpha }),
  },
  {
    name: "lasso", title: "lasso regression", task: "regression", sparse: false, nonNegative: false, scale: true, cost: 2,
    space: { alpha: logUniform(1e-4, 10) }, start: { alpha: 0.1 },
    make: (p) => new Lasso({ alpha: p.alpha, maxIter: 2000 }),
  },
  {
    name: "knn", title: "k-nearest neighbours", task: "regression", sparse: false, nonNegative: false, scale: true, cost: 3,
    space: knnSpace, start: knnStart,
    make: (p) => new KNeighborsRegressor({ nNeighbors: p.nNeighbors, weights: p.weights, p: p.p }),
  },
  {
    name: "tree", title: "decision tree", task: "regression", sparse: false, nonNegative: false, scale: false, cost: 3,
    space: { maxDepth: int(2, 24), minSamplesLeaf: int(1, 64, { log: true }) }, start: { maxDepth: 4, minSamplesLeaf: 8 },
    make: (p, seed) => new DecisionTreeRegressor({ maxDepth: p.maxDepth, minSamplesLeaf: p.minSamplesLeaf, randomState: seed }),
  },
  {
    name: "gbdt", title: "gradient-boosted trees", task: "regression", sparse: true, nonNegative: false, scale: false, cost: 10,
    space: { maxIter: int(10, 400, { log: true }), learningRate: logUniform(0.01, 0.5), maxLeafNodes: int(4, 64, { log: true }), l2Regularization: logUniform(1e-4, 10), minSamplesLeaf: int(2, 64, { log: true }) },
    start: { maxIter: 20, learningRate: 0.1, maxLeafNodes: 8, l2Regularization: 1, minSamplesLeaf: 20 },
    make: (p, seed) => new HistGradientBoostingRegressor({ maxIter: p.maxIter, learningRate: p.learningRate, maxLeafNodes: p.maxLeafNodes, l2Regularization: p.l2Regularization, minSamplesLeaf: p.minSamplesLeaf, earlyStopping: false, randomState: seed } as any),
  },
];

export const FAMILIES: Record<Task, Family[]> = { classification, regression };

export function familyNames(task: Task): string[] {
  return FAMILIES[task].map((f) => f.name);
}
