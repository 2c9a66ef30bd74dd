// `npm run schemas:check [-- --release] [--dir <schemas>]`: the compatibility gate for schemas/.
import { releaseSchemas, runSchemaGate } from './schema-gate';

const args = process.argv.slice(2);
const dirIndex = args.indexOf('--dir');
const schemasDir = dirIndex >= 0 ? args[dirIndex + 1] : undefined;

const report = runSchemaGate(schemasDir);
for (const problem of report.problems) console.error(`schemas: ${problem}`);
if (!report.passed) {
  console.error(`schemas: gate failed with ${report.problems.length} problem(s) in ${report.checked} schema files`);
  process.exit(1);
}
if (args.includes('--release')) {
  const added = releaseSchemas(schemasDir);
  console.log(`schemas: released ${added.length} new file(s)${added.length ? `: ${added.join(', ')}` : ''}`);
} else if (report.unreleased.length > 0) {
  console.log(`schemas: not yet released (run with --release once reviewed): ${report.unreleased.join(', ')}`);
}
console.log(`schemas: ${report.checked} schema files compatible`);
