/** Build-time modules provided by Vite plugins in astro.config.mjs. */
declare module 'virtual:drg/announcement-index' {
  const entries: import('../scripts/lib/announcement-index.ts').AnnouncementIndexEntry[];
  export default entries;
}
