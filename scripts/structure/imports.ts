import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One import of a source file: the file it names (a path from the root) and whether it takes types alone. */
export interface SourceImport {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

/** The TypeScript files under `dir` (a path from `root`), as paths from `root` with `/` separators. */
export function sourceFiles(root: string, dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(join(root, at), { withFileTypes: true })) {
      const path = `${at}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** The file a relative specifier names: `x.ts`, `x/index.ts`, or undefined when it is no source file of the tree. */
function resolveSpecifier(
  root: string,
  from: string,
  specifier: string,
  known: ReadonlySet<string>,
): string | undefined {
  const base = relative(root, resolve(root, dirname(from), specifier))
    .split(sep)
    .join('/');
  const stem = base.replace(/\.(js|ts)$/, '');
  return [`${stem}.ts`, `${stem}/index.ts`].find((candidate) => known.has(candidate));
}

/** Whether an import declaration brings in types alone (`import type`, or every named binding marked `type`). */
function declarationTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

/**
 * Every import of the tree's own files that `files` make: static imports and re-exports, `import()` and `require()`
 * (and `require.resolve`), so a module loaded by path counts as much as one imported by name.
 */
export function importsOf(root: string, files: readonly string[]): SourceImport[] {
  const known = new Set(files);
  const found: SourceImport[] = [];
  for (const from of files) {
    const text = readFileSync(join(root, from), 'utf8');
    const source = ts.createSourceFile(from, text, ts.ScriptTarget.ES2022, true);
    const add = (specifier: string, typeOnly: boolean, node: ts.Node): void => {
      if (!specifier.startsWith('.')) return;
      const to = resolveSpecifier(root, from, specifier, known);
      if (to === undefined) return;
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push({ from, to, typeOnly, line });
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
        if (ts.isStringLiteral(node.moduleSpecifier)) add(node.moduleSpecifier.text, declarationTypeOnly(node), node);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        const literal = node.argument.literal;
        if (ts.isStringLiteral(literal)) add(literal.text, true, node);
      } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteral(node.arguments[0]!)) {
        const callee = node.expression.getText(source);
        if (
          callee === 'require' ||
          callee === 'require.resolve' ||
          node.expression.kind === ts.SyntaxKind.ImportKeyword
        )
          add(node.arguments[0].text, false, node);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
