/*
 * Naive references of the risk service (`@app/risk/testing`): for its specs and the risk benchmark only,
 * never compiled by the production build (tsconfig.build.json).
 */
export {
  mulberry32,
  naiveCovariance,
  naiveExposures,
  naiveHistorical,
  naiveMonteCarlo,
  naiveParametric,
  naiveQuantile,
  naiveTail,
  type TailNumbers,
} from './naive-reference';
