// Cache keys, channels and job ids are built here only, so every one of them that holds tenant
// data carries its customer: `<prefix>t:<customerId>:<module>:<rest>`. Global data uses `g:`.
const SAFE = /^[A-Za-z0-9_.:-]+$/;

function part(p: string | number): string {
  const s = String(p);
  if (!SAFE.test(s)) throw new Error(`Unsafe key part: ${JSON.stringify(s)}`);
  return s;
}

export const keys = {
  tenant: (customerId: string, module: string, ...rest: (string | number)[]) =>
    ["t", part(customerId), part(module), ...rest.map(part)].join(":"),
  global: (module: string, ...rest: (string | number)[]) => ["g", part(module), ...rest.map(part)].join(":"),
};
