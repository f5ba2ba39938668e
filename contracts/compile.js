// Compile contracts/*.sol with solcjs (npm "solc") into contracts/build/scenario.json:
// per contract its ABI, creation bytecode and method identifiers. Run via scripts/compile_contracts.sh.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const dir = __dirname;
const sources = {};
for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".sol")).sort()) {
  sources[name] = { content: fs.readFileSync(path.join(dir, name), "utf8") };
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.methodIdentifiers"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const contracts = {};
for (const file of Object.keys(output.contracts).sort()) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    contracts[name] = {
      source: file,
      abi: c.abi,
      bytecode: "0x" + c.evm.bytecode.object,
      methods: c.evm.methodIdentifiers,
    };
  }
}
const out = { compiler: "solc " + solc.version(), evmVersion: "cancun", contracts };
fs.mkdirSync(path.join(dir, "build"), { recursive: true });
fs.writeFileSync(path.join(dir, "build", "scenario.json"), JSON.stringify(out, null, 1) + "\n");
console.log("wrote contracts/build/scenario.json:", Object.keys(contracts).join(", "));
