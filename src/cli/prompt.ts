import readline from 'node:readline';

/** The operator gave up at a prompt (Ctrl-C, Ctrl-D, end of input). */
export class PromptAborted extends Error {
  constructor() {
    super('aborted at the prompt; nothing was changed');
  }
}

type TerminalIn = NodeJS.ReadStream & { setRawMode?: (mode: boolean) => unknown };

/** Whether prompts can be shown: stdin is a terminal. */
export const interactive = (input: NodeJS.ReadStream = process.stdin): boolean => input.isTTY === true;

/**
 * Answers typed on a terminal without echo, one per prompt (prompts go to stderr, so stdout keeps
 * only the command's result). Enter ends an answer; Backspace deletes; Ctrl-U clears; Ctrl-C, or
 * Ctrl-D on an empty answer, aborts. Several answers may arrive in one chunk (pasted).
 */
export function hiddenAnswers(prompts: readonly string[], input: TerminalIn = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let current = '';
    let afterCr = false;
    const finish = (error?: Error): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
      if (error) reject(error);
      else resolve(answers);
    };
    const onEnd = (): void => {
      output.write('\n');
      finish(new PromptAborted());
    };
    const onData = (chunk: string | Buffer): void => {
      for (const ch of String(chunk)) {
        // A CR LF pair (a pasted or piped line) ends one answer, not two.
        if (afterCr && ch === '\n') {
          afterCr = false;
          continue;
        }
        afterCr = ch === '\r';
        if (ch === '\r' || ch === '\n') {
          output.write('\n');
          answers.push(current);
          current = '';
          if (answers.length === prompts.length) return finish();
          output.write(prompts[answers.length]!);
        } else if (ch === '\u0003' || (ch === '\u0004' && current === '')) {
          output.write('\n');
          return finish(new PromptAborted());
        } else if (ch === '\u007f' || ch === '\b') {
          current = Array.from(current).slice(0, -1).join('');
        } else if (ch === '\u0015') {
          current = '';
        } else if (ch === '\u001b') {
          // An escape sequence (arrow keys…): the rest of this chunk is its tail, not the password.
          break;
        } else if (ch >= ' ') {
          current += ch;
        }
      }
    };
    // No echo from here on: the prompt shows once the terminal no longer repeats what is typed.
    input.setRawMode?.(true);
    output.write(prompts[0] ?? '');
    input.setEncoding('utf8');
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
  });
}

/** One answer typed on a terminal, echoed (prompt on stderr). */
export function visibleAnswer(prompt: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input, output, terminal: true });
    let answered = false;
    rl.once('close', () => {
      if (!answered) {
        output.write('\n');
        reject(new PromptAborted());
      }
    });
    rl.once('SIGINT', () => rl.close());
    rl.question(prompt, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}
