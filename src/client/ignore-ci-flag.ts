/**
 * Ink draws nothing until exit when it believes it runs under CI (the `CI` or
 * `CONTINUOUS_INTEGRATION` variable, read once when ink is first imported): right for build logs,
 * a blank screen for someone typing into a full-screen client. On a terminal the flag means
 * nothing to us, so it is dropped before ink loads, which is why main imports this module first.
 */
if (process.stdin.isTTY && process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

export {};
