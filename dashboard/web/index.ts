import type express from 'express';
import type { AppDeps } from '../app';

/** Login, pages and JSON API of the leadership dashboard (issue 10 fills this in). */
export function mountWeb(_app: express.Express, _deps: AppDeps): void {}
