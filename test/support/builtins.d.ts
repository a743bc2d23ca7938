/**
 * Types for test/support/builtins.js: Node's built-ins for TypeScript tests, which `n8n-node lint` does not
 * allow a `.ts` file to import or use directly (see README.md).
 *
 *   import { fs, path, process, setTimeout, repoPath } from '../support/builtins';
 *   const { readFileSync } = fs;                    // named functions: destructure the module
 *   let server: import('http').Server;              // types: an import type, which loads nothing
 */

/** The modules themselves (the objects `require('fs')` etc. return). */
export declare const fs: typeof import('fs');
export declare const path: typeof import('path');
export declare const os: typeof import('os');
export declare const http: typeof import('http');
export declare const net: typeof import('net');
export declare const stream: typeof import('stream');
export declare const childProcess: typeof import('child_process');

/** The globals, read when used: jest's fake timers and its console apply. */
export declare const process: NodeJS.Process;
export declare const console: Console;
export declare const setTimeout: typeof import('timers').setTimeout;
export declare const clearTimeout: typeof import('timers').clearTimeout;
export declare const setInterval: typeof import('timers').setInterval;
export declare const clearInterval: typeof import('timers').clearInterval;
export declare const setImmediate: typeof import('timers').setImmediate;
export declare const clearImmediate: typeof import('timers').clearImmediate;

/** The repository root (absolute). */
export declare const REPO_ROOT: string;
/** An absolute path from segments relative to the repository root, e.g. repoPath('test/fixtures/images', name). */
export declare function repoPath(...segments: string[]): string;
