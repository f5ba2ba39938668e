module.exports = { version: '3.0.1' };
