import { readFileSync } from 'node:fs';

describe('workflow bundle', () => {
  // zod costs ~15-20 ms of CPU each time a new workflow loads it: more than a no-op action itself.
  // Workflows import only the zod-free contract modules (daemon-workflows, metadata-store, action, …).
  it('does not carry zod into workflows', () => {
    const bundle = readFileSync(process.env.TETHER_TEST_WORKFLOW_BUNDLE!, 'utf8');
    expect(bundle).toContain('executeAction');
    expect(bundle).not.toMatch(/node_modules\/zod\//);
  });
});
