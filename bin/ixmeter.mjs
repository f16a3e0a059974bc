#!/usr/bin/env node
// The ixmeter command: loads the TypeScript CLI through tsx's loader, nothing else.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../collector/cli.ts');
process.exitCode = await main(process.argv.slice(2));
