/**
 * Column of one metric of a split: `test_acc`, or `test_acc@population` for the inference-mode split
 * `test@population`. In runs.csv the column gets the `final_` prefix (`final_test_acc@population`):
 * everything after `@` names the mode, the rest is the column of the default (moving) mode.
 */
export function metricColumn(split: string, kind: 'loss' | 'acc'): string {
  const at = split.indexOf('@');
  return at < 0 ? `${split}_${kind}` : `${split.slice(0, at)}_${kind}${split.slice(at)}`;
}
