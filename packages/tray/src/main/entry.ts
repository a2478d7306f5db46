/**
 * The installed app's entry (built to dist/main.cjs, package.json's "main"): the
 * product with its defaults, the system socket, the system's policy and never demo
 * mode. It reads no environment variable of ours, on purpose: nothing set around
 * an installed tray app can make it trust another socket. The demo starts through
 * its own entry, packages/demo/src/electron-main.ts, which is not in the package.
 */
import { main } from './main';

main();
