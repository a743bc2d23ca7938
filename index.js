// n8n loads this package through the "n8n" field of package.json (dist/ paths), never through a main
// entry; package.json therefore has no "main", and this file is not published.
module.exports = {};
