// Validates JSON documents against schemas, offline. Called by the Deploy tests (SchemaValidator.cs):
//   node validate.mjs k8s FILE.json       FILE: a JSON array of Kubernetes/KEDA objects (kustomize's output as JSON)
//   node validate.mjs compose FILE.json   FILE: docker-compose.yml as JSON (merge keys resolved)
// Prints one JSON object {"errors": ["<object>: <problem>", ...]} and exits 0 when there are none, 1 otherwise.
// Kubernetes objects: the models of the npm package kubernetes-models (generated from the Kubernetes OpenAPI schema);
// KEDA: @kubernetes-models/keda (generated from KEDA's CRDs). A kind neither knows is an error, not a pass.
// Compose: the Compose Specification's JSON schema (as the npm package dclint ships it), with Ajv.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const [mode, file] = process.argv.slice(2);
const input = JSON.parse(readFileSync(file, "utf8"));
const errors = [];

// apiVersion/kind -> module path of its model (the packages export one module per kind).
function modelPath(apiVersion, kind) {
  if (apiVersion === "keda.sh/v1alpha1") return `@kubernetes-models/keda/keda.sh/v1alpha1/${kind}`;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  // The package keeps the groups' full names (networking.k8s.io) except the few it shortens (apps, policy, batch...).
  return `kubernetes-models/${group}/${version}/${kind}`;
}

if (mode === "k8s") {
  for (const doc of input) {
    const name = `${doc?.kind ?? "?"}/${doc?.metadata?.name ?? "?"}`;
    if (typeof doc?.apiVersion !== "string" || typeof doc?.kind !== "string") {
      errors.push(`${name}: apiVersion and kind are required`);
      continue;
    }
    let Model;
    try {
      Model = (await import(modelPath(doc.apiVersion, doc.kind)))[doc.kind];
    } catch {
      Model = undefined;
    }
    if (typeof Model !== "function") {
      errors.push(`${name}: no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      errors.push(`${name}: ${e.message}`);
    }
  }
} else if (mode === "compose") {
  // The Compose Specification's schema (draft-07) as the dclint package ships it: current with the spec (top-level
  // name, profiles, depends_on conditions...). Formats are annotations here.
  // (Read from its folder: the package does not export the file.)
  const schema = JSON.parse(readFileSync(new URL("./node_modules/dclint/schemas/compose.schema.json", import.meta.url), "utf8"));
  delete schema.$schema; // "https://json-schema.org/draft-07/schema": Ajv's own draft-07, known to it under the http:// name
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  if (!validate(input)) {
    for (const e of validate.errors) errors.push(`compose${e.instancePath}: ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`);
  }
} else {
  errors.push(`unknown mode '${mode}' (k8s or compose)`);
}

process.stdout.write(JSON.stringify({ errors }) + "\n");
process.exit(errors.length === 0 ? 0 : 1);
