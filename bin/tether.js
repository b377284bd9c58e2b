#!/usr/bin/env node
'use strict';
// The CLI runs the compiled code; `npm start` builds it first.
require('../dist/src/cli/main.js').main(process.argv.slice(2));
