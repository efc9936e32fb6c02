// Runs `albumd import` as its own process (what bin/albumd will dispatch to): the arguments after
// the script are the command's; the exit status is the command's.
import { importCommand } from '../../src/cli/import-command.js';

process.exitCode = await importCommand(process.argv.slice(2));
