#!/usr/bin/env node
// The wschat terminal client. `node bin/client.js --help` lists the options.
import { main } from '../dist/client/cli.js';

await main();
