// Bundles every Tether workflow once at build time (`npm run build`), so `tether api`, `tether worker` and `tether dev`
// load the bundle at start instead of running webpack in every process (DESIGN §10: restart-to-ready ≤ 2 s).
'use strict';
const { writeFileSync } = require('node:fs');
const { DefaultLogger } = require('@temporalio/worker');
const { bundleTetherWorkflows, prebuiltWorkflowBundlePath } = require('../dist/src/runtime/worker.js');

bundleTetherWorkflows(new DefaultLogger('WARN')).then(
  ({ code }) => {
    writeFileSync(prebuiltWorkflowBundlePath, code);
    console.log(`Bundled the workflows into ${prebuiltWorkflowBundlePath} (${(code.length / 1e6).toFixed(2)} MB)`);
  },
  (err) => {
    console.error(`Bundling the workflows failed: ${err.message}`);
    process.exit(1);
  },
);
