// Renders one vega-lite spec to SVG: the spec as JSON on stdin, the SVG on stdout.
// vega and vega-lite are ESM-only and vega awaits at top level, so neither jest (CommonJS)
// nor require() can load them; bench/charts.ts runs this file as its own process instead.
import { compile } from 'vega-lite';
import { parse, View } from 'vega';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const spec = JSON.parse(Buffer.concat(chunks).toString('utf8'));

// Every chart carries its data inline; a loader that refuses keeps a stray URL from fetching.
const refuse = () => Promise.reject(new Error('charts carry their data inline; nothing is fetched'));
const loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

const view = new View(parse(compile(spec).spec), { renderer: 'none', loader });
const svg = await view.toSVG();
view.finalize();
process.stdout.write(svg);
