const app = require('express')();
app.use('/auth', require('./routes/auth'));
app.listen(4000);
