// Runs npm scripts side by side and fails if any fails; each one's output is printed whole when it ends.
// `npm test` starts the type-check + build, the circular-import check and lint together: tsc uses one core,
// so on a 2-core machine the other two fit beside it.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
const results = await Promise.all(
  names.map(
    (name) =>
      new Promise((resolve) => {
        const child = spawn('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', (err) => resolve({ name, code: 1, out: String(err) }));
        child.on('close', (code) => resolve({ name, code: code ?? 1, out }));
      }),
  ),
);
for (const r of results) {
  if (r.out !== '') process.stdout.write(r.out.endsWith('\n') ? r.out : `${r.out}\n`);
  if (r.code !== 0) console.error(`npm run ${r.name}: exit ${r.code}`);
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
