/**
 * Meta's Resumable Upload API, the only way to give a template's IMAGE / VIDEO / DOCUMENT header
 * its sample: `POST /{v}/{app-id}/uploads?file_name=&file_length=&file_type=` opens a session
 * (`{id: "upload:<session>"}`), `POST /{v}/upload:<session>` with the header `file_offset` and the
 * raw bytes as the body sends them (`{h: "4::…"}` once the file is complete), and
 * `GET /{v}/upload:<session>` tells where an interrupted upload stands (`{id, file_offset}`).
 * Template creation then accepts only a handle this app issued, for a file of the header's kind:
 * a URL or a made-up string in `example.header_handle` is refused, as Meta refuses it.
 */
import { randomBytes } from 'crypto';
import { GraphError } from './errors';
import { requireToken, unknownEdge, type GraphHandler, type GraphRequest, type GraphResult } from './graph';
import type { SandboxState } from './state';

/** What Meta's upload API takes (its documented file_type values). */
const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'] as const;
type FileType = (typeof FILE_TYPES)[number];
/** Which uploaded kinds a header format accepts. */
const FORMAT_TYPES: Record<string, readonly FileType[]> = {
	IMAGE: ['image/jpeg', 'image/jpg', 'image/png'],
	VIDEO: ['video/mp4'],
	DOCUMENT: ['application/pdf'],
};
/**
 * The sandbox's ceiling per file: WhatsApp's own media limits (images 5 MB, video and documents
 * 16 MB in a template header); Meta's upload API documents no smaller one.
 */
const MAX_BYTES: Record<FileType, number> = {
	'application/pdf': 16 * 1024 * 1024,
	'image/jpeg': 5 * 1024 * 1024,
	'image/jpg': 5 * 1024 * 1024,
	'image/png': 5 * 1024 * 1024,
	'video/mp4': 16 * 1024 * 1024,
};
/** Meta's answer to a bad upload parameter: (#100) with what is wrong. */
const bad = (what: string) => new GraphError(400, 100, `(#100) Invalid parameter: ${what}`);

/** Open sessions kept at most (the oldest go first): a trainer's loop cannot grow memory. */
const MAX_SESSIONS = 200;

interface Session {
	fileName: string;
	fileType: FileType;
	length: number;
	chunks: Buffer[];
	offset: number;
}

export interface UploadedFile {
	fileType: FileType;
	length: number;
}

/** Upload sessions and the handles they produced: account data, kept across a traffic reset like templates. */
export class UploadStore {
	private sessions = new Map<string, Session>();
	private handles = new Map<string, UploadedFile>();

	open(s: Omit<Session, 'chunks' | 'offset'>): string {
		const id = `upload:${randomBytes(18).toString('base64url')}`;
		this.sessions.set(id, { ...s, chunks: [], offset: 0 });
		while (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
		return id;
	}

	session(id: string): Session | undefined {
		return this.sessions.get(id);
	}

	/** Closes a complete session and issues its handle. */
	finish(id: string, s: Session): string {
		const handle = `4::${Buffer.from(s.fileType).toString('base64')}:${randomBytes(24).toString('base64url')}`;
		this.handles.set(handle, { fileType: s.fileType, length: s.length });
		this.sessions.delete(id);
		return handle;
	}

	handle(h: string): UploadedFile | undefined {
		return this.handles.get(h);
	}
}

const MAGIC: Partial<Record<FileType, (b: Buffer) => boolean>> = {
	'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
	'image/jpg': (b) => b[0] === 0xff && b[1] === 0xd8,
	'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
	'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

function openSession(state: SandboxState, r: GraphRequest): GraphResult {
	const p = r.params;
	const fileType = String(p['file_type'] ?? '').toLowerCase() as FileType;
	if (!FILE_TYPES.includes(fileType)) throw bad(`file_type must be one of ${FILE_TYPES.join(', ')}`);
	const length = Number(p['file_length']);
	if (!Number.isInteger(length) || length <= 0) throw bad('file_length must be the file size in bytes');
	if (length > MAX_BYTES[fileType]) throw bad(`file_length: a ${fileType} file may be at most ${MAX_BYTES[fileType]} bytes`);
	const fileName = typeof p['file_name'] === 'string' && p['file_name'].trim() ? p['file_name'].trim() : 'file';
	return { body: { id: state.uploads.open({ fileName, fileType, length }) } };
}

function upload(state: SandboxState, r: GraphRequest, s: Session): GraphResult {
	if (r.method === 'GET') return { body: { id: r.id, file_offset: s.offset } };
	const offset = Number(r.req.headers['file_offset'] ?? NaN);
	// Meta resumes only where the file stands: any other offset is refused with the right one.
	if (offset !== s.offset) throw bad(`file_offset must be ${s.offset} (where this upload stands)`);
	const chunk = Buffer.isBuffer(r.req.body) ? r.req.body : Buffer.alloc(0);
	if (chunk.length === 0) throw bad('the request body must hold the file bytes');
	if (s.offset + chunk.length > s.length) throw bad(`the bytes exceed file_length (${s.length}) given when the session was opened`);
	s.chunks.push(chunk);
	s.offset += chunk.length;
	if (s.offset < s.length) return { body: { id: r.id, file_offset: s.offset } };
	const file = Buffer.concat(s.chunks);
	const looksRight = MAGIC[s.fileType];
	if (looksRight && !looksRight(file)) throw bad(`the file is not a ${s.fileType}`);
	return { body: { h: state.uploads.finish(r.id, s) } };
}

/** The app's /uploads edge and the upload sessions; undefined for every other id. */
export function uploadsGraph(state: SandboxState): GraphHandler {
	return (r) => {
		const wa = state.config.whatsapp;
		if (r.id === wa.appId) {
			requireToken(state, r, wa.accessTokens);
			if (r.edge !== 'uploads' || r.method !== 'POST') throw unknownEdge(r);
			return openSession(state, r);
		}
		if (!r.id.startsWith('upload:')) return undefined;
		requireToken(state, r, wa.accessTokens);
		const s = state.uploads.session(r.id);
		if (!s || r.edge || r.method === 'DELETE')
			throw new GraphError(400, 100, `(#100) Unsupported ${r.method.toLowerCase()} request: no upload session ${r.id}`, { subcode: 33 });
		return upload(state, r, s);
	};
}

/**
 * A media header's sample must be a handle this app's upload issued, for a file the format takes.
 * Meta answers an unknown or unsuitable handle with 131009 / subcode 2494102 "Uploaded Media
 * Handle Is Invalid" (channels.md lists no code for it; that pair is what Meta's answer carries in
 * public client code that handles it).
 */
export function checkHeaderHandle(state: SandboxState, format: string, handle: string): void {
	const file = state.uploads.handle(handle);
	const allowed = FORMAT_TYPES[format] ?? [];
	if (file && allowed.includes(file.fileType)) return;
	throw new GraphError(400, 131009, '(#131009) Parameter value is not valid', {
		subcode: 2494102,
		userTitle: 'Uploaded Media Handle Is Invalid',
		userMsg: file
			? `The uploaded file is ${file.fileType}; a ${format} header needs ${allowed.join(' or ')}.`
			: 'The uploaded media handle is invalid: upload the sample with the Resumable Upload API (POST /{app-id}/uploads) and use the handle it returns.',
	});
}
