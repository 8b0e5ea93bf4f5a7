/**
 * Input checks that run before any request, so a bad item spends no credits.
 * Every error names the field (by its label in the editor) and the item.
 */

import {
	isSafeObjectProperty,
	NodeOperationError,
	type IExecuteFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PROMPT_LENGTH = 8192;

export class InputChecker {
	/** A webhook context (the Trigger, pause mode's resume) reads the node's parameters as item 0's. */
	constructor(
		private readonly ctx: IExecuteFunctions | IWebhookFunctions,
		private readonly itemIndex: number,
	) {}

	private parameter(name: string, fallback: unknown): unknown {
		return 'getBodyData' in this.ctx
			? this.ctx.getNodeParameter(name, fallback)
			: this.ctx.getNodeParameter(name, this.itemIndex, fallback);
	}

	fail(field: string, problem: string, hint?: string): never {
		throw new NodeOperationError(
			this.ctx.getNode(),
			`${field} ${problem} (item ${this.itemIndex})`,
			{ itemIndex: this.itemIndex, description: hint },
		);
	}

	/** A parameter read as text; an expression that resolves to an object or list is refused. */
	text(name: string, field: string): string {
		const value = this.parameter(name, '');
		if (value === null || value === undefined) return '';
		if (typeof value === 'number' || typeof value === 'boolean') return String(value);
		if (typeof value !== 'string') {
			this.fail(field, `must be text, but the expression gave ${describeType(value)}`);
		}
		return value.trim();
	}

	jobId(name: string, field: string): string {
		const value = this.text(name, field);
		if (value === '') this.fail(field, 'is empty', 'Give the ID of a Legnext job (a UUID).');
		if (!UUID.test(value)) {
			this.fail(
				field,
				`must be a job ID (a UUID like 2cbffb65-10ac-45a2-91d4-19a19a19ab4c), got "${clip(value)}"`,
			);
		}
		return value.toLowerCase();
	}

	/** An index into a job's four results (0-3); people count them 1-4, so the hint says which is which. */
	resultNumber(name: string, field: string): number {
		return this.wholeNumber(
			name,
			field,
			3,
			"0 is the first result (number 1 in Legnext's app), 3 the last.",
		);
	}

	/** An option the API takes as a number code from 0 to `max` (a quality, an upscale type, a direction). */
	optionCode(name: string, field: string, max: number): number {
		return this.wholeNumber(name, field, max);
	}

	/** One of the values an options parameter offers; an expression giving anything else fails here. */
	option<T extends string>(name: string, field: string, allowed: readonly T[]): T {
		const value = this.parameter(name, allowed[0]);
		if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
			this.fail(
				field,
				`must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeValue(value)}`,
			);
		}
		return value as T;
	}

	private wholeNumber(name: string, field: string, max: number, hint?: string): number {
		const value = this.parameter(name, 0);
		const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
			this.fail(
				field,
				`must be a whole number from 0 to ${max}, got ${describeValue(value)}`,
				hint,
			);
		}
		return n;
	}

	number(name: string, field: string, min: number, max: number, fallback: number): number {
		const value = this.parameter(name, fallback);
		const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
			this.fail(field, `must be a number from ${min} to ${max}, got ${describeValue(value)}`);
		}
		return n;
	}

	/** A switch; an expression must give true or false. */
	boolean(name: string, field: string): boolean {
		const value = this.parameter(name, false);
		if (typeof value !== 'boolean') {
			this.fail(field, `must be true or false, got ${describeValue(value)}`);
		}
		return value;
	}

	/** An http(s) URL, or '' when optional and left empty. */
	url(name: string, field: string, required: boolean): string {
		const value = this.text(name, field);
		if (value === '') {
			if (required) this.fail(field, 'is empty', 'Give an http:// or https:// URL.');
			return '';
		}
		this.checkUrl(value, field);
		return value;
	}

	/**
	 * Where Legnext POSTs the finished job, or '' for none. An n8n test webhook URL listens for two minutes
	 * after "Listen for test event", shorter than any video job, so the callback would be lost.
	 */
	callbackUrl(name: string, field: string): string {
		const value = this.url(name, field, false);
		if (value !== '' && /^\/(?:[^/]+\/)*webhook-test\//.test(new URL(value).pathname)) {
			this.fail(
				field,
				'is an n8n test URL (/webhook-test/), which listens for only two minutes, less than a job takes',
				"Use the trigger's Production URL (/webhook/...) and publish its workflow.",
			);
		}
		return value;
	}

	checkUrl(value: string, field: string): void {
		let parsed: URL | null = null;
		try {
			parsed = new URL(value);
		} catch {
			parsed = null;
		}
		if (
			!parsed ||
			(parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
			/\s/.test(value)
		) {
			this.fail(field, `must be an http:// or https:// URL, got "${clip(value)}"`);
		}
	}

	/** The name of a binary field the node writes files to. */
	binaryFieldName(name: string, field: string): string {
		const value = this.text(name, field);
		const problem = binaryFieldNameProblem(value);
		if (problem !== null) this.fail(field, problem);
		return value;
	}

	/**
	 * The final prompt sent to Legnext: 1 to 8192 characters. `added` names what the node put beside the
	 * user's own text (an image URL, flags), so a too-long error counts what the user typed apart from it.
	 */
	prompt(value: string, field: string, typed = value, added = ''): string {
		if (value.length === 0) this.fail(field, 'is empty', 'Describe the video you want.');
		if (value.length > MAX_PROMPT_LENGTH) {
			const parts =
				typed.length === value.length
					? ''
					: ` (${typed.length} typed, plus ${value.length - typed.length} for ${added})`;
			this.fail(
				field,
				`is too long: Legnext takes at most ${MAX_PROMPT_LENGTH} characters, and the prompt sent would have ${value.length}${parts}`,
			);
		}
		return value;
	}
}

/**
 * Why a binary field name cannot hold a file, or null. As n8n's own checks: names such as `__proto__` or
 * `constructor` would change the item's object instead of adding a field, and a dotted name cannot be
 * read back with `$binary.<name>`.
 */
function binaryFieldNameProblem(name: string): string | null {
	if (name === '') return 'is empty';
	if (name.includes('.')) return `must not contain a dot, got "${clip(name)}"`;
	if (!isSafeObjectProperty(name)) return `must not be a reserved name, got "${clip(name)}"`;
	return null;
}

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : typeof value;
}

function describeValue(value: unknown): string {
	if (typeof value === 'string') return `"${clip(value)}"`;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return describeType(value);
}

function clip(text: string): string {
	return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
