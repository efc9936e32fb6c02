/**
 * `npm run bench [-- create|upload|thumbs|albums|gallery|jobs|queries|import|soak ...] [--quick]`: every benchmark reports its figures as
 * ratios against a baseline measured in the same run (the machines are shared and noisy).
 */
const all = ['create', 'upload', 'thumbs', 'albums', 'gallery', 'jobs', 'queries', 'import', 'soak'];
const picked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const run = picked.length > 0 ? picked : all;

for (const name of run) {
  if (name === 'create') await import('./create-album.js');
  else if (name === 'upload') await import('./upload.js');
  else if (name === 'thumbs') await import('./thumbnails.js');
  else if (name === 'albums') await import('./album-scale.js');
  else if (name === 'gallery') await import('./gallery.js');
  else if (name === 'jobs') await import('./jobs.js');
  else if (name === 'queries') await import('./queries.js');
  else if (name === 'import') await import('./import.js');
  else if (name === 'soak') await import('./soak.js');
  else {
    console.error(`unknown benchmark ${name}; choose from ${all.join(', ')}`);
    process.exit(2);
  }
}
