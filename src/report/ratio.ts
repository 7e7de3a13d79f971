// The ratio estimate lives in analysis (analysis/ratio.ts: log-scale CIs, censored steps-to-target).
export { logRatio, type RatioEstimate } from '../analysis/ratio.js';
