import type { CliArgs } from './args.ts';
import type { ClientIO } from './cli.ts';
export declare function runInteractive(args: CliArgs, io: ClientIO): Promise<number>;
