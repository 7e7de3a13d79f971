import type { ModelConfig } from '../../config/schema.js';
import { ghostBn } from './ghost.js';
import { renormBn, renormOf } from './renorm.js';
import { standardBn } from './standard.js';
import type { BnVariant } from './variant.js';

/*
 * The BN variants, in the order they are tried: the first whose `picks` holds for a model config is the
 * one its BN layers use (validation forbids combining ghostBatchSize and batchRenorm). A new variant is
 * its file, a line here, its schema entry and its test. Noisy BN (noisy.ts) adds noise on top of any of
 * them and is not a normalization of its own.
 */
const VARIANTS: { name: string; picks: (m: ModelConfig) => boolean; make: (m: ModelConfig) => BnVariant }[] = [
  { name: 'renorm', picks: (m) => renormOf(m) !== undefined, make: (m) => renormBn(m, renormOf(m)!) },
  { name: 'ghost', picks: (m) => m.ghostBatchSize !== undefined, make: (m) => ghostBn(m, m.ghostBatchSize!) },
  { name: 'standard', picks: () => true, make: (m) => standardBn(m) },
];

/** The BN variant a model's BN layers use (standard BN when the config asks for no other). */
export function bnVariantOf(model: ModelConfig): BnVariant {
  return VARIANTS.find((v) => v.picks(model))!.make(model);
}

/** Names of the registered BN variants. */
export const BN_VARIANT_NAMES: readonly string[] = VARIANTS.map((v) => v.name);
