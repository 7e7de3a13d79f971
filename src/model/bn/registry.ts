import type { BnChoice } from '../../config/resolve.js';
import type { ModelConfig } from '../../config/schema.js';
import { ghostBn } from './ghost.js';
import { renormBn } from './renorm.js';
import { standardBn } from './standard.js';
import type { BnVariant } from './variant.js';

/*
 * The BN variants by the kind of the runs' resolved choice (spec.resolved.bn, made once in
 * config/resolve.ts with the settings' defaults filled in). A new variant is its file, a line here, its
 * schema entry, its case of BnChoice and its test. Noisy BN (noisy.ts) adds noise on top of any of them
 * and is not a normalization of its own.
 */
type Makers = { [K in BnChoice['kind']]: (m: ModelConfig[], choice: Extract<BnChoice, { kind: K }>) => BnVariant };
const VARIANTS: Makers = {
  renorm: (m, choice) => renormBn(m, choice),
  ghost: (m, choice) => ghostBn(m, choice.size),
  standard: (m) => standardBn(m),
};

/**
 * The BN variant of the BN layers of a group's K models (one model: a list of one): the resolved choice
 * they share (plan/groups.ts groups only runs with the same choice), with each model's momentum.
 */
export function bnVariantOf(models: ModelConfig[], choice: BnChoice): BnVariant {
  const make = VARIANTS[choice.kind] as (m: ModelConfig[], c: BnChoice) => BnVariant;
  return make(models, choice);
}

/** Names of the registered BN variants. */
export const BN_VARIANT_NAMES: readonly string[] = Object.keys(VARIANTS);
