// `node --require tether/register file.ts`: run a TypeScript plugin's test (or any .ts file) without a build.
import { registerTypeScript } from './typescript';

registerTypeScript();
