// The screen's styles are part of what the component tests check: chalk must emit colours even
// though jest's output is not a terminal.
process.env.FORCE_COLOR = '3';
