/**
 * The upward-report files generated beside the summaries (content/summaries/*.xlsx, *.csv), copied into
 * the static site at /summaries/downloads/<file> so anyone can download them without the repository.
 */
import type { APIRoute } from 'astro';
import { readDownload, listDownloads } from '../../../../scripts/lib/publish/downloads-fs.ts';

export function getStaticPaths() {
  return listDownloads().map((file) => ({ params: { file } }));
}

export const GET: APIRoute = ({ params }) => {
  const file = params.file!;
  const type = file.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8';
  return new Response(readDownload(file) as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': type } });
};
