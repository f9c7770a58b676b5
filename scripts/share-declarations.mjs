// Runs after tsup (`npm run build`). tsup writes every declaration twice, as ESM (`.d.ts`) and as
// CommonJS (`.d.cts`), with the same text apart from the import paths: about 0.45 MB of the
// package was second copies. A declaration file that reads the same in both formats is kept once,
// as `.d.cts`: an ESM entry becomes `export * from './entry.cjs'` and ESM files import the `.d.cts`
// chunks, so `faultline` and `faultline/check` still see one declaration of each class.
//
// A file stays in both formats when it imports, directly or through a chunk, a package whose
// types differ by format (fast-check has separate ESM and CJS typings, and its classes have
// private members, so an ESM user's `fc.Arbitrary` would not match one typed from the CJS copy).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DIST = 'dist';
const ENTRIES = ['index', 'check', 'otel', 'report'];

const files = readdirSync(DIST);
const esmDeclarations = files.filter((name) => name.endsWith('.d.ts')).map((name) => name.slice(0, -'.d.ts'.length));
const read = (name) => readFileSync(join(DIST, name), 'utf8');
if (esmDeclarations.some((base) => /^(?:import|export)\b[^\n]*'\.\/[^']+\.cjs'/m.test(read(`${base}.d.ts`)))) {
  console.log('share-declarations: dist/ was already processed (run `npm run build` for a fresh one)');
  process.exit(0);
}

/** `./model-jZ45dC-j.js` and `./model-DICanYHh.cjs` both become `./model`: rollup names chunks `[name]-[hash8]`. */
function chunkName(base) {
  return ENTRIES.includes(base) ? base : base.slice(0, -9);
}
// Import and export statements only (rollup-plugin-dts writes each on one line), not the
// `import … from 'node:fs'` of a TSDoc example.
const RELATIVE_IMPORT = /^((?:import|export)\b[^\n]*? from |import )'\.\/([^']+)\.c?js'/gm;
const normalised = (text) => text.replace(RELATIVE_IMPORT, (_, keyword, base) => `${keyword}'./${chunkName(base)}'`);
const relativeImports = (text) => [...text.matchAll(RELATIVE_IMPORT)].map((match) => match[2]);
const packageImports = (text) => [...text.matchAll(/^(?:(?:import|export)\b[^\n]*? from |import )'([^.'][^']*)'/gm)].map((match) => match[1]);

/** The CJS twin of an ESM declaration file: same chunk name, same text once import paths are normalised. */
function cjsTwin(esmBase) {
  const twins = files
    .filter((name) => name.endsWith('.d.cts'))
    .map((name) => name.slice(0, -'.d.cts'.length))
    .filter((base) => chunkName(base) === chunkName(esmBase));
  if (twins.length !== 1) throw new Error(`share-declarations: ${esmBase}.d.ts has ${twins.length} CommonJS twins`);
  const [twin] = twins;
  if (normalised(read(`${esmBase}.d.ts`)) !== normalised(read(`${twin}.d.cts`))) {
    throw new Error(`share-declarations: ${esmBase}.d.ts and ${twin}.d.cts differ beyond their import paths`);
  }
  return twin;
}

/** A package whose `import` and `require` conditions give different type files. */
function hasTypesPerFormat(specifier) {
  if (specifier.startsWith('node:')) return false;
  const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  const { exports } = JSON.parse(readFileSync(join('node_modules', packageName, 'package.json'), 'utf8'));
  const root = exports?.['.'];
  const typesOf = (condition) => JSON.stringify(root?.[condition]?.types ?? root?.[condition]);
  return root !== undefined && typeof root === 'object' && typesOf('import') !== typesOf('require');
}

const formatSpecific = new Map();
function isFormatSpecific(esmBase) {
  if (!formatSpecific.has(esmBase)) {
    formatSpecific.set(esmBase, true); // a cycle keeps both copies
    const text = read(`${esmBase}.d.ts`);
    formatSpecific.set(esmBase, packageImports(text).some(hasTypesPerFormat) || relativeImports(text).some(isFormatSpecific));
  }
  return formatSpecific.get(esmBase);
}

const shared = new Map(esmDeclarations.filter((base) => !isFormatSpecific(base)).map((base) => [base, cjsTwin(base)]));
let savedBytes = 0;
for (const base of esmDeclarations) {
  const path = join(DIST, `${base}.d.ts`);
  const text = read(`${base}.d.ts`);
  if (shared.has(base) && ENTRIES.includes(base)) {
    if (/export default|export =/.test(text)) throw new Error(`share-declarations: ${base}.d.ts has a default export, which export * would drop`);
    const stub = `export * from './${shared.get(base)}.cjs';\n`;
    writeFileSync(path, stub);
    savedBytes += text.length - stub.length;
  } else if (shared.has(base)) {
    rmSync(path);
    savedBytes += text.length;
  } else {
    writeFileSync(path, text.replace(RELATIVE_IMPORT, (whole, keyword, imported) => (shared.has(imported) ? `${keyword}'./${shared.get(imported)}.cjs'` : whole)));
  }
}
const kept = esmDeclarations.filter((base) => !shared.has(base));
console.log(`share-declarations: ${shared.size} ESM declaration files now read their CommonJS twins (${Math.round(savedBytes / 1024)} kB less); both formats kept for ${kept.join(', ') || 'none'}`);
