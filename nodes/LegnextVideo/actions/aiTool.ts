/**
 * When an AI agent runs the node as a tool, it gets compact JSON: no binary data (a model cannot read a video,
 * and n8n would serialise it into the prompt) and no raw job, just what the agent needs to answer or act.
 */

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** The tool's description: what each operation does, how long it takes and what it costs. */
export const TOOL_DESCRIPTION =
	'Make AI videos and images with Legnext and check credits. Video Create: a 4-second video (4 variants) from a public image URL and a prompt, 3-6 minutes, 480 credits at 480p or 1536 at 720p. Video Extend: adds about 4 seconds to a finished video job, 3-5 minutes, same price as its source. Video Upscale: 4-6 minutes, 480 credits. Image Imagine: four images from a prompt, about a minute, 80 credits (Variation 120, Upscale 120-160, Describe and Shorten 20). Job Get: reads a job by its ID (free). Account Get Balance: credits left (free). Results are URLs; set Wait for Completion off to get the job ID at once and read it later with Job Get.';

/**
 * Whether the node runs as an AI agent's tool. n8n 1.x has no `isToolExecution` (it came with 2.0);
 * there the tool variant is the only sign: its type name ends in "Tool" (e.g. `legnextVideoTool`).
 */
export function isToolCall(ctx: IExecuteFunctions): boolean {
	if (typeof ctx.isToolExecution === 'function') return ctx.isToolExecution();
	return ctx.getNode().type.endsWith('Tool');
}

export function toToolResult(item: INodeExecutionData, seconds: number): INodeExecutionData {
	const json = item.json;
	if (typeof json.jobId !== 'string') return { json, pairedItem: item.pairedItem };
	const resultUrls = [
		...((json.videoUrls as string[] | undefined) ?? []),
		...((json.imageUrls as string[] | undefined) ?? []),
	];
	const result: IDataObject = {
		jobId: json.jobId,
		status: json.status,
		resultUrls,
		prompts: json.prompts ?? [],
		creditsEstimated: json.creditsEstimated ?? null,
		creditsUsed: json.creditsUsed ?? null,
		seconds: Math.round(seconds),
		summary: summaryOf(json, resultUrls.length, seconds),
	};
	if (json.reference) result.reference = json.reference;
	if (json.error) result.error = json.error;
	return { json: result, pairedItem: item.pairedItem };
}

function summaryOf(json: IDataObject, fileCount: number, seconds: number): string {
	const what = `Legnext ${String(json.taskType || 'job')} ${String(json.jobId)}`;
	if (json.status === 'completed') {
		return `${what} completed in ${Math.round(seconds)} s with ${fileCount} result file(s).`;
	}
	if (json.status === 'failed')
		return `${what} failed: ${String(json.error ?? 'no reason given')}.`;
	return `${what} is ${String(json.status)}; read it later with Job Get.`;
}
