#!/usr/bin/env node
'use strict';
// The CLI runs the compiled code; `npm start` builds it first (`npm run build` builds without starting).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error(`Tether is not built (${main} is missing): run \`npm run build\`, or \`npm start\`, in ${join(__dirname, '..')}`);
  process.exit(1);
}
require(main).main(process.argv.slice(2));
