#!/usr/bin/env node
// The `paperchat` command. Node 20 cannot run TypeScript by itself, so this launcher registers
// tsx's loader in this very process (no build step, no second process to forward signals and
// stdio to) and hands over to the dispatcher.
import { register } from 'tsx/esm/api';

register();
await import('./dispatch.ts');
