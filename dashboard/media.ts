import { Router } from 'express';
import type { AppDeps } from './app';

/** Approved images served as JPEG at stable URLs for Instagram (issue 7 fills this in). */
export function mediaRouter(_deps: AppDeps): Router {
	return Router();
}
