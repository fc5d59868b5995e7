// Signature oracle: the official twilio and plivo npm libraries sign (and check) what Parley verifies.
// Usage: node oracle.js NPM_DIR < jobs.json > results.json
//   job: {"kind":"twilio","token","url","params"} | {"kind":"twilio_body","token","url","body"}
//      | {"kind":"plivo","method","url","nonce","token","params"}
// Plivo exports only its validator; its generator is loaded from the library file itself.
const fs = require('fs'), path = require('path'), Module = require('module');
const npmDir = process.argv[2];
const req = Module.createRequire(path.join(npmDir, 'package.json'));
const twilio = req('twilio');
const plivo = req('plivo');
const file = req.resolve('plivo/dist/utils/v3Security.js');
const m = new Module(file, module);
m.filename = file;
m.paths = Module._nodeModulePaths(path.dirname(file));
m._compile(fs.readFileSync(file, 'utf8') +
  '\nexports._sig=get_signature_v3;exports._get=construct_get_url;exports._post=construct_post_url;', file);

const jobs = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = jobs.map((j) => {
  if (j.kind === 'twilio') {
    const sig = twilio.getExpectedTwilioSignature(j.token, j.url, j.params);
    return {sig, valid: twilio.validateRequest(j.token, sig, j.url, j.params)};
  }
  if (j.kind === 'twilio_body') {
    const url = j.url + (j.url.includes('?') ? '&' : '?') + 'bodySHA256=' + twilio.getExpectedBodyHash(j.body);
    const sig = twilio.getExpectedTwilioSignature(j.token, url, {});
    return {sig, url, valid: twilio.validateRequestWithBody(j.token, sig, url, j.body)};
  }
  if (j.kind === 'plivo') {
    const base = j.method === 'GET' ? m.exports._get(j.url, j.params) : m.exports._post(j.url, j.params);
    const sig = m.exports._sig(j.token, base, j.nonce);
    return {sig, base, valid: plivo.validateV3Signature(j.method, j.url, j.nonce, j.token, sig, j.params)};
  }
  throw new Error('unknown job ' + j.kind);
});
process.stdout.write(JSON.stringify(out));
