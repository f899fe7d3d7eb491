/**
 * The project's own lint rules (eslint.config.mjs turns them on):
 * - import-boundaries: which folder may import which (core owns the rules and all I/O and knows
 *   nothing of n8n, the web server or its callers; nodes reach the store only through core's
 *   services). Relative imports are resolved against the importing file, so core/dashboard/
 *   (core's read models) is not mistaken for the top-level dashboard/.
 * - no-plain-error: production code throws errors with a stable code and the caller's action
 *   (MitanError, core/errors.ts), never a bare `Error`.
 */
import path from 'node:path';

/** The import specifiers of a file: static, re-exports, dynamic, require() and `import x = require()`. */
function onEachImport(report) {
	const literal = (n) => (n && n.type === 'Literal' && typeof n.value === 'string' ? n : null);
	return {
		ImportDeclaration: (n) => report(n.source),
		ExportNamedDeclaration: (n) => n.source && report(n.source),
		ExportAllDeclaration: (n) => report(n.source),
		ImportExpression: (n) => literal(n.source) && report(n.source),
		TSImportEqualsDeclaration: (n) => n.moduleReference.type === 'TSExternalModuleReference' && report(n.moduleReference.expression),
		CallExpression: (n) => {
			if (n.callee.type === 'Identifier' && n.callee.name === 'require' && literal(n.arguments[0])) report(n.arguments[0]);
		},
	};
}

const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

const importBoundaries = {
	meta: {
		type: 'problem',
		docs: { description: 'Folders import only what the architecture allows' },
		schema: [
			{
				type: 'object',
				properties: {
					zones: {
						type: 'array',
						items: {
							type: 'object',
							properties: {
								from: { type: 'string' },
								folders: { type: 'array', items: { type: 'string' } },
								pattern: { type: 'string' },
								packages: { type: 'array', items: { type: 'string' } },
								because: { type: 'string' },
							},
							required: ['from', 'because'],
							additionalProperties: false,
						},
					},
				},
				additionalProperties: false,
			},
		],
		messages: { forbidden: '{{from}} must not import "{{spec}}": {{because}}' },
	},
	create(context) {
		const root = context.cwd;
		const file = path.relative(root, context.filename).split(path.sep).join('/');
		const zones = (context.options[0]?.zones ?? []).filter((z) => file.startsWith(z.from));
		if (zones.length === 0) return {};
		return onEachImport((node) => {
			const spec = node.value;
			const target = spec.startsWith('.')
				? path
						.relative(root, path.resolve(path.dirname(context.filename), spec))
						.split(path.sep)
						.join('/')
				: null;
			for (const z of zones) {
				const hit = target
					? (z.folders ?? []).some((f) => target === f.replace(/\/$/, '') || target.startsWith(f)) ||
						(z.pattern !== undefined && new RegExp(z.pattern).test(target))
					: (z.packages ?? []).includes(packageOf(spec));
				if (hit) {
					context.report({ node, messageId: 'forbidden', data: { from: z.from, spec, because: z.because } });
					return;
				}
			}
		});
	},
};

const noPlainError = {
	meta: {
		type: 'problem',
		docs: { description: 'Throw MitanError (a stable code and the action the caller must take), not a bare Error' },
		schema: [],
		messages: { plain: "throw a MitanError (core/errors.ts) with a stable code and the caller's action, not a bare Error" },
	},
	create(context) {
		const isError = (e) =>
			e && (e.type === 'NewExpression' || e.type === 'CallExpression') && e.callee.type === 'Identifier' && e.callee.name === 'Error';
		return { ThrowStatement: (n) => isError(n.argument) && context.report({ node: n, messageId: 'plain' }) };
	},
};

export default { meta: { name: 'mitan' }, rules: { 'import-boundaries': importBoundaries, 'no-plain-error': noPlainError } };
