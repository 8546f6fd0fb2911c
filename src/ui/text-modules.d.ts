// Files imported as text by wrangler's module rules (wrangler.toml [[rules]]).
declare module "*.umd.min.js" {
  const text: string;
  export default text;
}
