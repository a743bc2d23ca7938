// n8n loads this package through the "n8n" field of package.json, not through main.
module.exports = {};
